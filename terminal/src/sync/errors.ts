// Every error the terminal's uploader reports itself, as `sync.last_error` in /api/health (as
// `<code>: <message>`) and in heartbeats. Codes the service answers with pass through unchanged
// and are documented with the service (docs/sync-service-errors.md). docs/terminal-errors.md
// documents this list; a test keeps the two in step.
export const SYNC_ERRORS = {
  YSS_SYNC_NETWORK: { message: 'the sync service cannot be reached: %s' },
  YSS_SYNC_TIMEOUT: { message: 'the sync service did not answer within %s ms' },
  YSS_SYNC_BAD_REPLY: { message: 'the sync service answered something this terminal cannot use: %s' },
  YSS_SYNC_NOT_ENROLLED: { message: 'this terminal is not enrolled: %s' },
  YSS_SYNC_UPLOAD: { message: 'the upload was refused with HTTP %s' },
  YSS_SYNC_HEARTBEAT: { message: 'the heartbeat was refused with HTTP %s' },
  YSS_SYNC_TRUST_LIST: { message: 'the trust-list poll was refused with HTTP %s' },
  YSS_SYNC_NUMBERS: { message: 'the hall\'s number allocator refused a block with HTTP %s' },
  YSS_SYNC_FEED: { message: 'the venue feed poll was refused with HTTP %s' },
  YSS_SYNC_CONFIG: { message: 'the config poll was refused with HTTP %s' },
  YSS_SYNC_POLICE: { message: 'the police report states poll was refused with HTTP %s' },
  YSS_SYNC_GAP: { message: 'the service needs events from %s but they were pruned here' },
} as const;

export type SyncErrorCode = keyof typeof SYNC_ERRORS;

/** Fills a catalog message template. */
export function syncMessage(code: SyncErrorCode, ...args: (string | number)[]): string {
  let i = 0;
  return SYNC_ERRORS[code].message.replace(/%s/g, () => String(args[i++] ?? ''));
}

export class SyncError extends Error {
  constructor(
    /** A code of SYNC_ERRORS, or one the service answered with. */
    readonly code: string,
    message: string,
    /** HTTP status when the service answered; undefined for network failures. */
    readonly status?: number,
  ) {
    super(message);
  }

  static of(code: SyncErrorCode, ...args: (string | number)[]): SyncError {
    return new SyncError(code, syncMessage(code, ...args));
  }
}

/** Errors after which only staff can help: the uploader stops retrying fast. */
export function isPermanent(e: SyncError): boolean {
  return e.code === 'YSS_SYNC_NOT_ENROLLED' || e.code === 'YSS_SYNC_TERMINAL_REVOKED';
}
