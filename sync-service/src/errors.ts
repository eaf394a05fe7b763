// Every error the sync service returns: one catalog, a stable code, an HTTP status and a message
// template. docs/sync-service-errors.md documents the same list (a test keeps them in step).
export const errors = {
  YSS_SYNC_INVALID_BODY: { status: 400, message: 'request body does not match the schema: %s' },
  YSS_SYNC_BODY_TOO_LARGE: { status: 413, message: 'request body is larger than the limit of this route (%s bytes)' },
  YSS_SYNC_REQUEST_TIMEOUT: { status: 408, message: 'the request did not arrive in time (headers within %s ms, all of it within %s ms); the connection is closed' },
  YSS_SYNC_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'content-type %s is not accepted here' },
  YSS_SYNC_UNSIGNED: { status: 401, message: 'request is not signed: missing header %s' },
  YSS_SYNC_BAD_NONCE: { status: 401, message: 'request nonce must be %s to %s base64url characters' },
  YSS_SYNC_BAD_SIGNATURE: { status: 401, message: 'request signature does not verify for terminal %s (not enrolled here, or signed with another key)' },
  YSS_SYNC_CLOCK_SKEW: { status: 401, message: 'request time %s is more than %s ms from the service clock' },
  YSS_SYNC_REPLAYED_NONCE: { status: 401, message: 'request nonce %s was already used by this terminal' },
  YSS_SYNC_TERMINAL_UNKNOWN: { status: 401, message: 'no enrolled terminal has id %s' },
  YSS_SYNC_TERMINAL_REVOKED: { status: 403, message: 'terminal %s is revoked' },
  YSS_SYNC_ENROLLMENT_INVALID: { status: 401, message: 'enrollment code is unknown or already used' },
  YSS_SYNC_ADMIN_UNAUTHORIZED: { status: 401, message: 'operator token missing or wrong' },
  YSS_SYNC_ADMIN_FORBIDDEN: { status: 403, message: 'operator %s does not have the %s role' },
  YSS_SYNC_PURPOSE_REQUIRED: { status: 400, message: 'opening personal data needs a stated purpose: purpose=<%s to %s characters>' },
  YSS_SYNC_SEAL_UNOPENED: { status: 200, message: 'event %s: sealed data does not open with this service\'s seal key' },
  YSS_SYNC_RATE_LIMITED: { status: 429, message: 'too many failed authentications from %s; retry in %s s' },
  YSS_SYNC_OVERLOADED: { status: 503, message: 'service overloaded (%s); retry in %s s' },
  YSS_SYNC_CHAIN_BROKEN: { status: 422, message: 'event %s: %s' },
  YSS_SYNC_TRUST_LIST_INVALID: { status: 400, message: 'trust list refused: %s' },
  YSS_SYNC_TRUST_LIST_ROLLBACK: { status: 409, message: 'trust list sequence %s is not newer than the published %s' },
  YSS_SYNC_FEED_INVALID: { status: 400, message: 'feed refused, nothing stored: %s' },
  YSS_SYNC_FEED_NO_VENUE: { status: 404, message: 'terminal %s is bound to no venue, so it has no feeds' },
  YSS_SYNC_HALL_STEP_REFUSED: { status: 409, message: 'window step refused: %s' },
  YSS_SYNC_CONFIG_INVALID: { status: 400, message: 'config push refused, nothing stored: %s' },
  YSS_SYNC_NOT_FOUND: { status: 404, message: '%s not found' },
  YSS_SYNC_STORAGE_FAILED: { status: 503, message: 'storage failed (%s): nothing more is acknowledged until the service restarts' },
  YSS_SYNC_INTERNAL: { status: 500, message: 'internal error' },
} as const;

export type ErrorCode = keyof typeof errors;

export class ServiceError extends Error {
  readonly status: number;
  /** What filled the message's blanks: with the code, the error again (across a thread, say). */
  readonly args: (string | number)[];
  constructor(
    readonly code: ErrorCode,
    ...args: (string | number)[]
  ) {
    let i = 0;
    super(errors[code].message.replace(/%s/g, () => String(args[i++] ?? '')));
    this.status = errors[code].status;
    this.args = args;
  }
}
