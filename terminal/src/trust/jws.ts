// The trust-list envelope (trust-list.md §1): compact JWS, EdDSA, signed by a pinned root.
import { verify } from 'node:crypto';
import nacl from 'tweetnacl';
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
  const d1 = jws.indexOf('.');
  const d2 = d1 < 0 ? -1 : jws.indexOf('.', d1 + 1);
  if (d1 < 0 || d2 < 0 || jws.indexOf('.', d2 + 1) >= 0) {
    return { ok: false, reason: 'malformed', message: 'trust list is not a compact JWS (three base64url parts)' };
  }
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(jws.slice(0, d1), 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed', message: 'trust list header is not base64url JSON' };
  }
  if (typeof header !== 'object' || header === null) {
    return { ok: false, reason: 'malformed', message: 'trust list header is not a JSON object' };
  }
  const { alg, kid, typ } = header as Record<string, unknown>;
  if (typ !== TRUST_LIST_TYP) {
    return { ok: false, reason: 'malformed', message: `trust list typ is ${JSON.stringify(typ)}, expected "${TRUST_LIST_TYP}"` };
  }
  const root = roots.find((r) => r.kid === kid);
  if (!root) return { ok: false, reason: 'unknown_root', message: `trust list root kid ${JSON.stringify(kid)} is not pinned` };
  if (alg !== 'EdDSA') {
    return { ok: false, reason: 'bad_signature', message: `trust list alg is ${JSON.stringify(alg)}, expected "EdDSA"` };
  }
  const sig = Buffer.from(jws.slice(d2 + 1), 'base64url');
  const ok = sig.length === 64 && verify(null, Buffer.from(jws.slice(0, d2), 'latin1'), ed25519KeyObject(root.x), sig);
  if (!ok) return { ok: false, reason: 'bad_signature', message: `trust list signature does not verify with root ${root.kid}` };
  return { ok: true, payload: Buffer.from(jws.slice(d1 + 1, d2), 'base64url'), rootKid: root.kid };
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64url');
}
