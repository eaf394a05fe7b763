// Verify results for the tests of what comes after the verifier (the venue policy, feeds, loans):
// the claims are minted, encoded and read back by the verifier's own checker, so a test hands the
// policy exactly the typed claims verifyCode would for such a code, without keys or a trust list.
import { cborDecodePayload, cborEncode } from '../cbor.ts';
import { checkYssClaims, claimsToJson, type Claims } from '../claims.ts';
import { yssClaims, type YssClaimsInput } from '../mint.ts';
import type { VerifyReason } from '../reasons.ts';
import type { VerifyResult } from '../verify.ts';

export interface VerifiedYss extends Partial<Omit<YssClaimsInput, 'iss' | 'iat' | 'exp'>> {
  type: string;
  /** Trusted time of the scan, unix seconds: the code was issued then. */
  now: number;
  /** The trust list's issuer of the signing key, and the code's `iss`; default CN-44. */
  issuer?: string;
  /** exp − iat, seconds; default 60. */
  life_s?: number;
}

/** A valid YSS1 verdict with these claims (sub `u1` and a fixed cti unless given). */
export function verifiedYss(o: VerifiedYss): VerifyResult {
  const issuer = o.issuer ?? 'CN-44';
  const minted = yssClaims({
    ...o,
    iss: issuer,
    sub: o.sub ?? 'u1',
    iat: o.now,
    exp: o.now + (o.life_s ?? 60),
    cti: o.cti ?? new Uint8Array(16).fill(7),
  });
  const claims = checkYssClaims(cborDecodePayload(cborEncode(minted), 'YSS1'));
  if (claims === null) throw new Error(`verifiedYss: the checker finds these claims malformed: ${JSON.stringify(o)}`);
  return resultOf(true, null, claims, issuer);
}

/** `r` refused for `reason` by a later step of the verifier (expired, revoked, …), its claims kept. */
export function refusedAs(r: VerifyResult, reason: VerifyReason): VerifyResult {
  return r.claims === null ? notACode(reason) : resultOf(false, reason, r.claims, r.issuer);
}

/** What the verifier returns for text that is no code at all. */
export function notACode(reason: VerifyReason = 'malformed'): VerifyResult {
  return { valid: false, reason, family: null, issuer: null, claimedIssuer: null, type: null, claims: null, printed: null, replayed: false };
}

function resultOf(valid: boolean, reason: VerifyReason | null, claims: Claims, issuer: string | null): VerifyResult {
  return { valid, reason, family: claims.family, issuer, claimedIssuer: claims.iss, type: claims.type, claims, printed: claimsToJson(claims.raw), replayed: false };
}
