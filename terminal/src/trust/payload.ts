// Trust-list payload (trust-list.md §2) to an immutable index: key objects are created here, once
// per key, and revocation hashes go into sets so lookups stay O(1) at millions of entries.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { HashSet32, type HashLookup } from './hash-set.ts';
import { scanPayload, ScanError } from './payload-scan.ts';
import { fromBase64, fromBase64url } from './base64.ts';
import { ed25519KeyObject } from './root.ts';
import type { TrustIndex, TrustIssuer, TrustKey } from './types.ts';

export const TRUST_LIST_FORMAT = 'yss-trust-list/1';

/** Kids are 8 bytes: the platform's, and an HCERT DSC's (codes.md §7). */
const KID_BYTES = 8;

export class PayloadError extends Error {}

/** Builds the index from payload bytes; throws PayloadError with a message naming the problem. */
export function buildIndex(payload: Uint8Array): TrustIndex {
  let scanned;
  try {
    scanned = scanPayload(payload);
  } catch (e) {
    if (e instanceof ScanError) throw new PayloadError(e.message);
    throw e;
  }
  if (scanned) return indexFromDocument(scanned.doc, { cti: scanned.cti, sub: scanned.sub });
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString());
  } catch {
    throw new PayloadError('trust list payload is not JSON');
  }
  return indexFromDocument(doc);
}

/**
 * Builds the index from an already parsed payload (callers that trust it without a signature).
 * `prebuilt` revocation sets, from the byte scan, replace the (emptied) arrays of the document.
 */
export function indexFromDocument(doc: unknown, prebuilt: { cti?: HashLookup | null; sub?: HashLookup | null } = {}): TrustIndex {
  if (!isObject(doc)) throw new PayloadError('trust list payload is not a JSON object');
  if (doc.format !== TRUST_LIST_FORMAT) {
    throw new PayloadError(`trust list format is ${JSON.stringify(doc.format)}, expected "${TRUST_LIST_FORMAT}"`);
  }
  const sequence = int(doc.sequence, 'sequence');
  if (sequence < 0) throw new PayloadError(`sequence ${sequence} should be >= 0`);
  const issuedAt = int(doc.issued_at, 'issued_at');
  const expiresAt = int(doc.expires_at, 'expires_at');
  if (!Array.isArray(doc.issuers)) throw new PayloadError('issuers should be an array');

  const revoked = doc.revoked === undefined ? {} : doc.revoked;
  if (!isObject(revoked)) throw new PayloadError('revoked should be an object');
  const revokedKids = new Set(strings(revoked.kids, 'revoked.kids').map((k) => kidBytes(k, 'revoked.kids').toString('latin1')));
  const revokedCti = prebuilt.cti ?? hashSet(revoked.cti, 'revoked.cti');
  const revokedSub = prebuilt.sub ?? hashSet(revoked.sub, 'revoked.sub');

  const issuers: TrustIssuer[] = [];
  const keysByKid = new Map<string, TrustKey[]>();
  doc.issuers.forEach((entry: unknown, i: number) => {
    const where = `issuers[${i}]`;
    if (!isObject(entry) || typeof entry.id !== 'string') throw new PayloadError(`${where}.id should be a string`);
    const names = entry.names === undefined ? {} : entry.names;
    if (!isObject(names) || !Object.values(names).every((n) => typeof n === 'string')) {
      throw new PayloadError(`${where}.names should map language tags to strings`);
    }
    const issuer: TrustIssuer = Object.freeze({
      id: entry.id,
      names: Object.freeze({ ...(names as Record<string, string>) }),
      types: Object.freeze(strings(entry.types, `${where}.types`)),
    });
    issuers.push(issuer);
    if (!Array.isArray(entry.keys)) throw new PayloadError(`${where}.keys should be an array`);
    entry.keys.forEach((k: unknown, j: number) => {
      const key = buildKey(k, issuer, revokedKids, `${where}.keys[${j}]`);
      const id = Buffer.from(key.kid).toString('latin1');
      const list = keysByKid.get(id);
      if (list) list.push(key);
      else keysByKid.set(id, [key]);
    });
  });
  return Object.freeze({ sequence, issuedAt, expiresAt, issuers, keysByKid, revokedCti, revokedSub });
}

function buildKey(k: unknown, issuer: TrustIssuer, revokedKids: Set<string>, where: string): TrustKey {
  if (!isObject(k)) throw new PayloadError(`${where} should be an object`);
  if (typeof k.alg !== 'string') throw new PayloadError(`${where}.alg should be a string`);
  const kid = kidBytes(k.kid, `${where}.kid`);
  const material = keyMaterial(k, where);
  const usage = k.usage === undefined ? null : Object.freeze(strings(k.usage, `${where}.usage`));
  return Object.freeze({
    kid,
    alg: k.alg,
    key: fits(k.alg, material) ? material : null,
    issuer,
    notBefore: k.not_before === undefined ? -Infinity : int(k.not_before, `${where}.not_before`),
    notAfter: k.not_after === undefined ? Infinity : int(k.not_after, `${where}.not_after`),
    usage,
    revoked: revokedKids.has(kid.toString('latin1')),
  });
}

/** A key's `x` (raw Ed25519) or, without one, its `spki` (DER). */
function keyMaterial(k: Record<string, unknown>, where: string): KeyObject {
  if (typeof k.x === 'string') {
    if (fromBase64url(k.x, 32) === null) throw new PayloadError(`${where}.x should be canonical base64url of a 32-byte key`);
    // node takes any 32 bytes as an Ed25519 key (it does not check the point); one off the curve verifies nothing.
    return ed25519KeyObject(k.x);
  }
  if (typeof k.spki !== 'string') throw new PayloadError(`${where} should have "x" or "spki"`);
  const der = fromBase64(k.spki);
  if (der === null) throw new PayloadError(`${where}.spki should be canonical base64 with padding`);
  try {
    return createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    throw new PayloadError(`${where} key material does not parse as DER SPKI`);
  }
}

/** The key's material must be what its alg signs with (codes.md §3: no algorithm confusion). */
export function fits(alg: string, key: KeyObject): boolean {
  // Every asymmetric key has its details; only EC keys name a curve, and RSA and DSA keys have a modulus.
  const { namedCurve, modulusLength = 0 } = key.asymmetricKeyDetails!;
  switch (alg) {
    case 'EdDSA':
      return key.asymmetricKeyType === 'ed25519';
    case 'ES256':
      return namedCurve === 'prime256v1';
    case 'PS256':
      return (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') && modulusLength >= 2048;
    default:
      return false;
  }
}

function kidBytes(v: unknown, where: string): Buffer {
  const kid = fromBase64url(v, KID_BYTES);
  if (kid === null) throw new PayloadError(`${where} should be canonical base64url of ${KID_BYTES} bytes, got ${JSON.stringify(v)}`);
  return kid;
}

function hashSet(v: unknown, where: string): HashSet32 {
  const list = v === undefined ? [] : v;
  if (!Array.isArray(list)) throw new PayloadError(`${where} should be an array`);
  const bad = { index: -1 };
  const set = new HashSet32(list, bad);
  if (bad.index !== -1) throw new PayloadError(`${where}[${bad.index}] should be base64url of a 32-byte SHA-256 hash`);
  return set;
}

function strings(v: unknown, where: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new PayloadError(`${where} should be an array of strings`);
  return v as string[];
}

function int(v: unknown, where: string): number {
  // False for anything but a number, too.
  if (!Number.isSafeInteger(v)) throw new PayloadError(`${where} should be an integer, got ${JSON.stringify(v)}`);
  return v as number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
