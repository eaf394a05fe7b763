// The HTTP adapter: POSTs each report as JSON (docs/police.md, "HTTP gateway") and reads the
// answer. 200/201 accepted, 409 or `status: duplicate` accepted before, 400/422 rejected with the
// gateway's `reason`; anything else, a timeout or a refused connection is `unavailable` (retried).
import type { PoliceDocument } from './document.ts';
import { cleanReason, type GatewayAnswer, type PoliceGateway } from './gateway.ts';

/** An answer body is read up to this many bytes (a status and a reason). */
const MAX_ANSWER = 16 * 1024;

export class HttpGateway implements PoliceGateway {
  readonly kind = 'http';
  constructor(private readonly o: { url: string; timeoutMs: number; headers?: Record<string, string> }) {}

  async send(doc: PoliceDocument): Promise<GatewayAnswer> {
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.o.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'idempotency-key': doc.id, ...this.o.headers },
        body: JSON.stringify(doc),
        signal: AbortSignal.timeout(this.o.timeoutMs),
        redirect: 'error',
      });
      text = (await res.text()).slice(0, MAX_ANSWER);
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      return { outcome: 'unavailable', reason: err.name === 'TimeoutError' ? `no answer within ${this.o.timeoutMs} ms` : `connection failed (${cleanReason(err.cause?.code ?? err.message, 'no detail')})` };
    }
    let body: { status?: unknown; reason?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // A body that is not JSON: the status code alone decides.
    }
    if (res.status === 409 || (res.ok && body.status === 'duplicate')) return { outcome: 'accepted', duplicate: true };
    if (res.status === 200 || res.status === 201) return { outcome: 'accepted', duplicate: false };
    if (res.status === 400 || res.status === 422) return { outcome: 'rejected', reason: cleanReason(body.reason, `rejected (HTTP ${res.status})`) };
    return { outcome: 'unavailable', reason: `HTTP ${res.status}` };
  }
}
