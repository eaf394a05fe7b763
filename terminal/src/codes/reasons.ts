// The closed list of verification reasons, in the order codes.md §5 checks them: the first
// failing step wins, so the index doubles as the step number.
export const VERIFY_REASONS = [
  'malformed',
  'unsupported_alg',
  'unknown_key',
  'alg_mismatch',
  'issuer_mismatch',
  'key_revoked',
  'key_not_valid',
  'type_not_allowed',
  'bad_signature',
  'not_yet_valid',
  'expired',
  'lifetime_too_long',
  'revoked',
  'replayed',
] as const;

export type VerifyReason = (typeof VERIFY_REASONS)[number];
