// Revocation lookups (trust-list.md §2): entries are SHA-256 hashes, so the list reveals no code
// or holder ids; a lookup is one hash and one table probe whatever the list's size.
import { hash } from 'node:crypto';
import type { TrustIndex } from './types.ts';

/** base64url(SHA-256(cti content bytes)). */
export function ctiHash(cti: Uint8Array): string {
  return hash('sha256', cti, 'base64url');
}

/** base64url(SHA-256(iss "|" sub)), over UTF-8. */
export function subHash(iss: string, sub: string): string {
  return hash('sha256', `${iss}|${sub}`, 'base64url');
}

/**
 * True when the code's cti or its holder (iss, sub) is on the list's revocations. A code without
 * a cti, or without an issuer or subject, is never looked up by it: `${null}` would make a text.
 */
export function isRevoked(index: TrustIndex, cti: Uint8Array | null, iss: string | null, sub: string | null): boolean {
  if (cti !== null && index.revokedCti.has(ctiHash(cti))) return true;
  return sub !== null && iss !== null && index.revokedSub.has(subHash(iss, sub));
}
