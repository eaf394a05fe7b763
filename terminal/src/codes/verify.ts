// codes.md §5 in order. A pure function of (text, trust index, clock, replay memory).
import { isRevoked, type TrustIndex, type TrustKey } from '../trust/index.ts';
import { claimsToJson, type Claims } from './claims.ts';
import { sigStructure } from './cose.ts';
import { ALG_EDDSA, ALG_ES256, ALG_PS256, decodeCode, type DecodedCode, type Family } from './decode.ts';
import type { VerifyReason } from './reasons.ts';
import { verifySignature } from './signature.ts';

/** Default clock skew for steps 9 and 10, seconds. */
export const DEFAULT_SKEW = 120;

/** The only `yss.t` values a YSS1 code may carry (codes.md §4); anything else is step 7. */
export const YSS_TYPES: readonly string[] = Object.freeze(['personal', 'health', 'credential']);

/** Longest allowed `exp − iat` per YSS1 type, seconds (step 11); credential is unlimited. */
export const LIFETIME_LIMITS: Readonly<Record<string, number>> = Object.freeze({ personal: 300, health: 86_400, credential: Infinity });

export interface VerifyOptions {
  /** The time to judge against, unix seconds. */
  now: number;
  /** Tolerance for steps 9 and 10, seconds; default 120. */
  skew?: number;
  /** Step 13: cti values this terminal already accepted. */
  replay?: { has(cti: Uint8Array): boolean };
  /** Step 13 policy: report a replayed personal code as valid with `replayed: true`. */
  allowReplay?: boolean;
}

export interface VerifyResult {
  valid: boolean;
  reason: VerifyReason | null;
  family: Family | null;
  /** The trust list's issuer of the key that verified the code; null when no key got that far. */
  issuer: string | null;
  /**
   * The code's own `iss` claim: for HC1 a country the signer wrote, never checked (codes.md §5
   * step 5), so never the issuer to trust.
   */
  claimedIssuer: string | null;
  type: string | null;
  /**
   * The checked claims, typed by family (`claims.family` is YSS1 or HC1); null when decoding
   * stopped before them. The venue, the library and the replay memory read these.
   */
  claims: Claims | null;
  /**
   * The same claims by name as `terminal verify` prints them (codes.md §6), built from the same
   * decoded map on first read: a gate that only needs `valid` does not pay for it.
   */
  readonly printed: Record<string, unknown> | null;
  replayed: boolean;
}

const ALG_NAMES: Record<number, string> = { [ALG_EDDSA]: 'EdDSA', [ALG_ES256]: 'ES256', [ALG_PS256]: 'PS256' };

/** Verifies one scanned code. Never throws: every failure is a reason. */
export function verifyCode(text: string, trust: TrustIndex | null, opts: VerifyOptions): VerifyResult {
  try {
    return verifyUnsafe(text, trust, opts);
  } catch {
    // Unreachable by design (the fuzzer checks); kept so that a bug can never crash a scan.
    return result(false, 'malformed', null, null);
  }
}

/** verifyCode without its safety net, so the fuzzer sees any exception a bug would raise. */
export function verifyUnsafe(text: string, trust: TrustIndex | null, opts: VerifyOptions): VerifyResult {
  const decoded = decodeCode(text);
  if (!decoded.ok) return result(false, decoded.reason, decoded.family, decoded.claims);
  const code = decoded.code;
  const { claims } = code;
  let issuer: string | null = null;
  const fail = (reason: VerifyReason) => result(false, reason, code.family, claims, issuer);

  // The index holds no empty list: each kid it has comes with at least one key.
  const candidates = trust?.keysByKid.get(latin1(code.kid));
  if (!candidates) return fail('unknown_key');
  let firstReason: VerifyReason | null = null;
  for (const key of candidates) {
    const reason = checkKey(code, key, opts.now);
    if (reason === null) {
      issuer = key.issuer.id;
      break;
    }
    firstReason ??= reason;
  }
  if (issuer === null) return fail(firstReason!);

  const skew = opts.skew ?? DEFAULT_SKEW;
  const start = Math.max(claims.iat ?? -Infinity, claims.nbf ?? -Infinity);
  if (start > opts.now + skew) return fail('not_yet_valid');
  if (claims.exp < opts.now - skew) return fail('expired');
  // checkKey let no YSS1 type through that has no limit here.
  if (claims.family === 'YSS1' && claims.exp - claims.iat > LIFETIME_LIMITS[claims.type]!) return fail('lifetime_too_long');
  // Revocation by subject is an issuer's list of its own holders: an HC1 `sub` is no one's.
  if (isRevoked(trust!, claims.cti, claims.iss, claims.family === 'YSS1' ? claims.sub : null)) return fail('revoked');
  if (claims.type === 'personal' && opts.replay?.has(claims.cti)) {
    const r = result(opts.allowReplay === true, opts.allowReplay ? null : 'replayed', code.family, claims, issuer);
    r.replayed = true;
    return r;
  }
  return result(true, null, code.family, claims, issuer);
}

/** Steps 4–8 for one candidate key; null when it passes. */
function checkKey(code: DecodedCode, key: TrustKey, now: number): VerifyReason | null {
  const { claims } = code;
  if (ALG_NAMES[code.alg] !== key.alg || key.key === null) return 'alg_mismatch';
  if (claims.family === 'YSS1' && claims.iss !== key.issuer.id) return 'issuer_mismatch';
  if (key.revoked) return 'key_revoked';
  // An HC1 code without iat is judged at the verification time: no path skips key validity.
  const signedAt = claims.iat ?? now;
  if (signedAt < key.notBefore || signedAt > key.notAfter) return 'key_not_valid';
  if (claims.family === 'YSS1') {
    // Only the three YSS1 types, only from an issuer listing the type, and never from a DCC
    // document signer (a key with HCERT usage signs certificates, not provincial codes).
    const t = claims.type;
    if (!YSS_TYPES.includes(t) || !key.issuer.types.includes(t) || key.usage !== null) return 'type_not_allowed';
  } else {
    if (!key.issuer.types.includes('hcert')) return 'type_not_allowed';
    if (key.usage !== null && (claims.kind === null || !key.usage.includes(claims.kind))) {
      return 'type_not_allowed';
    }
  }
  const { cose } = code;
  if (!verifySignature(code.alg, key.key, sigStructure(cose.protectedBytes, cose.payload), cose.signature)) {
    return 'bad_signature';
  }
  return null;
}

function result(
  valid: boolean,
  reason: VerifyReason | null,
  family: Family | null,
  claims: Claims | null,
  issuer: string | null = null,
): VerifyResult {
  let json: Record<string, unknown> | null | undefined;
  return {
    valid,
    reason,
    family,
    issuer,
    claimedIssuer: claims?.iss ?? null,
    type: claims?.type ?? null,
    claims,
    // An own enumerable getter, so JSON.stringify and spreads still see a plain field.
    get printed() {
      if (json === undefined) json = claims ? claimsToJson(claims.raw) : null;
      return json;
    },
    replayed: false,
  };
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
