import { createPublicKey, type KeyObject } from 'node:crypto';
import { fromBase64url } from './base64.ts';
import type { RootKey } from './types.ts';

const B64URL = /^[A-Za-z0-9_-]+$/;

/** Parses a pinned root given as `<kid>:<x>` (both base64url, x a raw 32-byte Ed25519 key). */
export function parseRootArg(arg: string): RootKey {
  const i = arg.indexOf(':');
  if (i <= 0) throw new Error(`root "${arg}" should be "<kid>:<x>" (base64url kid, colon, base64url Ed25519 key)`);
  const kid = arg.slice(0, i);
  const x = arg.slice(i + 1);
  if (!B64URL.test(kid)) throw new Error(`root kid "${kid}" should be base64url without padding`);
  if (fromBase64url(x, 32) === null) {
    throw new Error(`root key "${x}" should be a canonical base64url raw Ed25519 public key of 32 bytes`);
  }
  return { kid, x };
}

/** A node:crypto public key from a raw base64url Ed25519 key. */
export function ed25519KeyObject(x: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}
