/** Where the uploader stands, as /api/health and the staff panel show it. */
export interface SyncHealth {
  state: 'idle' | 'uploading' | 'backoff' | 'offline' | 'unenrolled' | 'disabled';
  /** Unix milliseconds of the last successful exchange with the service. */
  last_success_at: number | null;
  /** `<code>: <message>`, the code from sync/errors.ts; null after a success. */
  last_error: string | null;
  /** Highest sequence the service acknowledged. */
  acked_seq: number;
}
