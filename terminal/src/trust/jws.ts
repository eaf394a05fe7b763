// The trust-list envelope (trust-list.md §1): compact JWS, EdDSA, signed by a pinned root.
import { verify } from 'node:crypto';
import nacl from 'tweetnacl';
import { fromBase64url } from './base64.ts';
import { ed25519KeyObject } from './root.ts';
import type { RootKey } from './types.ts';

export const TRUST_LIST_TYP = 'yss-trust-list+json';

export type EnvelopeFailure = { ok: false; reason: 'unknown_root' | 'bad_signature' | 'malformed'; message: string };

/** Signs a trust-list payload with a root key (tweetnacl: this runs where the root secret is). */
export function signTrustList(payload: object, root: { kid: string; secretKey: Uint8Array }): string {
  const header = { alg: 'EdDSA', kid: root.kid, typ: TRUST_LIST_TYP };
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  const sig = nacl.sign.detached(Buffer.from(input, 'latin1'), root.secretKey);
  return `${input}.${Buffer.from(sig).toString('base64url')}`;
}

/** Checks the envelope and returns the payload bytes, or why it is refused. */
export function openEnvelope(jws: string, roots: readonly RootKey[]): { ok: true; payload: Buffer; rootKid: string } | EnvelopeFailure {
  const malformed = (message: string): EnvelopeFailure => ({ ok: false, reason: 'malformed', message });
  const parts = jws.split('.');
  if (parts.length !== 3) return malformed('trust list is not a compact JWS (three base64url parts)');
  // Canonical base64url, ASCII only: no padding, spaces, `+/` or junk that a lenient decoder skips.
  const [h, p, s] = parts.map((x) => fromBase64url(x)) as (Buffer | null)[];
  if (!h || !p || !s) return malformed('trust list parts should be canonical base64url without padding');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(h));
  } catch {
    return malformed('trust list header is not base64url JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return malformed('trust list header is not a JSON object');
  const { alg, kid, typ } = header as Record<string, unknown>;
  if (typ !== TRUST_LIST_TYP) return malformed(`trust list typ is ${JSON.stringify(typ)}, expected "${TRUST_LIST_TYP}"`);
  // RFC 7515 §4.1.11 / RFC 7797: extensions we do not implement must not be ignored.
  for (const name of ['crit', 'b64']) {
    if (Object.hasOwn(header, name)) return malformed(`trust list header has "${name}", which this terminal does not support`);
  }
  const candidates = roots.filter((r) => r.kid === kid);
  if (candidates.length === 0) return { ok: false, reason: 'unknown_root', message: `trust list root kid ${JSON.stringify(kid)} is not pinned` };
  if (alg !== 'EdDSA') {
    return { ok: false, reason: 'bad_signature', message: `trust list alg is ${JSON.stringify(alg)}, expected "EdDSA"` };
  }
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`, 'latin1');
  // Two pinned roots may share a kid (a rotation): each is tried. node:crypto refuses an Ed25519
  // signature of any length but 64 bytes.
  const root = candidates.find((r) => verify(null, signed, ed25519KeyObject(r.x), s));
  if (!root) return { ok: false, reason: 'bad_signature', message: `trust list signature does not verify with root ${candidates[0]!.kid}` };
  return { ok: true, payload: p, rootKid: root.kid };
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64url');
}
