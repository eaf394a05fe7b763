// How the uploader reaches the service: one request at a time, text or bytes in and text out, so
// the signature covers exactly the bytes sent. The HTTP transport is axios; tests may inject another.
import axios from 'axios';
import { SyncError, syncMessage } from './errors.ts';

export interface TransportRequest {
  method: 'GET' | 'POST';
  path: string;
  /** Exact body, text or its UTF-8 bytes (sent as they are); absent for GET. */
  body?: string | Buffer;
  headers?: Record<string, string>;
}

export interface TransportResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string | undefined>;
  body: string;
}

export interface Transport {
  /** Resolves with any HTTP status; rejects with a SyncError (YSS_SYNC_NETWORK or _TIMEOUT) when no answer came. */
  request(r: TransportRequest): Promise<TransportResponse>;
}

/** HTTP to `baseUrl`, no redirects, each request bounded by `timeoutMs`. */
export function httpTransport(baseUrl: string, timeoutMs: number): Transport {
  const http = axios.create({
    baseURL: baseUrl,
    timeout: timeoutMs,
    validateStatus: () => true,
    maxRedirects: 0,
    responseType: 'text',
    transformRequest: [(d: unknown) => d],
    transformResponse: [(d: unknown) => d],
    transitional: { clarifyTimeoutError: true },
  });
  return {
    async request(r) {
      try {
        const res = await http.request({ method: r.method, url: r.path, data: r.body, headers: r.headers });
        const headers: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(res.headers)) headers[k.toLowerCase()] = v === undefined || v === null ? undefined : String(v);
        return { status: res.status, headers, body: typeof res.data === 'string' ? res.data : String(res.data ?? '') };
      } catch (e) {
        if (axios.isAxiosError(e) && (e.code === 'ETIMEDOUT' || e.code === 'ECONNABORTED')) throw SyncError.of('YSS_SYNC_TIMEOUT', timeoutMs);
        const detail = axios.isAxiosError(e) && e.code ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
        throw new SyncError('YSS_SYNC_NETWORK', syncMessage('YSS_SYNC_NETWORK', detail));
      }
    },
  };
}
