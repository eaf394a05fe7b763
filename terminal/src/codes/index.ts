// Public surface of codes/: pure decoding and verification of signed codes (shared/spec/codes.md),
// plus the minting helpers the issuer, tests and benchmarks share.
export { VERIFY_REASONS, type VerifyReason } from './reasons.ts';
export { verifyCode, DEFAULT_SKEW, LIFETIME_LIMITS, type VerifyOptions, type VerifyResult } from './verify.ts';
export { decodeCode, familyOf, MAX_CODE_TEXT, ALG_EDDSA, ALG_ES256, ALG_PS256, type DecodedCode, type DecodeOutcome, type Family } from './decode.ts';
export { base45Encode, base45Decode } from './base45.ts';
export { cborEncode, cborDecode, cborDecodeHeader, cborDecodePayload, cborTag, Tagged, CborFloat, CborError, CBOR_MAX_DEPTH, CBOR_MAX_ITEMS, CBOR_MAX_MAP_ENTRIES } from './cbor.ts';
export { parseCoseSign1, sigStructure, type CoseSign1 } from './cose.ts';
export { unwrapCompressed, INFLATE_LIMIT } from './inflate.ts';
export { claimsToJson, SUBJECT_FIELDS, CREDENTIAL_FIELDS, type Claims, type YssClaims, type HcertClaims, type YssHealth, type SubjectField, type CredentialField } from './claims.ts';
export { verifySignature } from './signature.ts';
export {
  buildCoseSign1,
  encodeCodeText,
  yssClaims,
  ed25519Signer,
  mintYss1,
  compress,
  type CoseParts,
  type YssClaimsInput,
  type MintYssOptions,
} from './mint.ts';
