import type { KeyObject } from 'node:crypto';
import type { HashLookup } from './hash-set.ts';

export type KeyAlg = 'EdDSA' | 'ES256' | 'PS256';

/** A pinned trust-list root: kid and raw 32-byte Ed25519 public key, both base64url. */
export interface RootKey {
  kid: string;
  x: string;
}

export interface TrustIssuer {
  id: string;
  names: Record<string, string>;
  /** Code types its keys may sign (`personal`, `health`, `credential`, or `hcert`). */
  types: readonly string[];
}

export interface TrustKey {
  kid: Uint8Array;
  /** As the list gives it; an alg we do not know simply never matches a code header. */
  alg: string;
  /** Created once when the list is opened; null when the material does not fit `alg`. */
  key: KeyObject | null;
  issuer: TrustIssuer;
  notBefore: number;
  notAfter: number;
  /** HCERT only: certificate kinds (`v`, `t`, `r`) this key may sign; absent means all. */
  usage: readonly string[] | null;
  revoked: boolean;
}

/** An opened, checked trust list, immutable once built (installs swap the whole object). */
export interface TrustIndex {
  sequence: number;
  issuedAt: number;
  expiresAt: number;
  issuers: readonly TrustIssuer[];
  /** Candidates for a kid (key: the kid's bytes as a latin1 string), in list order. */
  keysByKid: ReadonlyMap<string, readonly TrustKey[]>;
  /** base64url(SHA-256(cti content bytes)). */
  revokedCti: HashLookup;
  /** base64url(SHA-256(iss "|" sub)). */
  revokedSub: HashLookup;
}
