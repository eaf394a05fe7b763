// Step 1 and 2 of codes.md §5: from scanned text to a COSE_Sign1 with its alg, kid and claims,
// or `malformed` / `unsupported_alg`. Nothing here throws on any input.
import { base45Decode } from './base45.ts';
import { CborFloat, cborDecodePayload } from './cbor.ts';
import { parseCoseSign1, type CoseSign1 } from './cose.ts';
import { unwrapCompressed } from './inflate.ts';
import { checkHcertClaims, checkYssClaims, type Claims } from './claims.ts';

export type Family = 'YSS1' | 'HC1';

export const ALG_EDDSA = -8;
export const ALG_ES256 = -7;
export const ALG_PS256 = -37;
const SUPPORTED_ALGS = new Set([ALG_EDDSA, ALG_ES256, ALG_PS256]);

/**
 * Longest code text decoded, in characters: a QR code holds at most 4,296 alphanumeric
 * characters (ISO/IEC 18004, version 40-L), and base45 is alphanumeric. Anything longer cannot
 * have come from a QR code and is `malformed` before any decoding.
 */
export const MAX_CODE_TEXT = 4296;

const HEADER_ALG = 1;
const HEADER_KID = 4;

export interface DecodedCode {
  family: Family;
  cose: CoseSign1;
  alg: number;
  kid: Uint8Array;
  claims: Claims;
}

export type DecodeOutcome =
  | { ok: true; code: DecodedCode }
  | { ok: false; reason: 'malformed' | 'unsupported_alg'; family: Family | null; claims: Claims | null };

export function familyOf(text: string): Family | null {
  if (text.startsWith('YSS1:')) return 'YSS1';
  if (text.startsWith('HC1:')) return 'HC1';
  return null;
}

/** Decodes the text of a scanned code up to (not including) the key lookup. */
export function decodeCode(text: string): DecodeOutcome {
  const family = familyOf(text);
  const fail = (reason: 'malformed' | 'unsupported_alg', claims: Claims | null = null): DecodeOutcome => ({
    ok: false,
    reason,
    family,
    claims,
  });
  if (family === null || text.length > MAX_CODE_TEXT) return fail('malformed');
  const raw = base45Decode(text, family.length + 1);
  if (raw === null) return fail('malformed');
  const coseBytes = unwrapCompressed(raw);
  if (coseBytes === null) return fail('malformed');
  const cose = parseCoseSign1(coseBytes);
  if (cose === null) return fail('malformed');

  const header = (label: number): unknown =>
    family === 'YSS1'
      ? cose.protectedHeader.get(label)
      : cose.protectedHeader.has(label)
        ? cose.protectedHeader.get(label)
        : cose.unprotectedHeader.get(label);
  const alg = header(HEADER_ALG);
  const kid = header(HEADER_KID);
  // A float alg (-8.0) is a mistyped integer, not an alg value we do not support.
  if (alg === undefined || alg instanceof CborFloat || !(kid instanceof Uint8Array)) return fail('malformed');

  let payload: unknown;
  try {
    payload = cborDecodePayload(cose.payload, family);
  } catch {
    return fail('malformed');
  }
  const claims = family === 'YSS1' ? checkYssClaims(payload) : checkHcertClaims(payload);
  if (claims === null) return fail('malformed');
  // A non-integer alg (`"EdDSA"`, 1.5) is a value we do not support, not a broken structure.
  if (typeof alg !== 'number' || !SUPPORTED_ALGS.has(alg)) return fail('unsupported_alg', claims);
  return { ok: true, code: { family, cose, alg, kid, claims } };
}
