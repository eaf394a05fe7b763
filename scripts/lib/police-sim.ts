// A simulated police reporting gateway (旅业系统) for tests and the demo, on loopback. It speaks the
// HTTP format of docs/police.md and is steered at run time through its control route:
//   POST /reports            a report (yss-police-report/1)
//   GET  /control            { mode, posts, accepted: [...], rejected: [...] }
//   POST /control            { mode?: accept|down|stall|error|lose_answer, reject?: { <doc_no>: <reason> } }
// In `accept` mode it checks like a gateway would: an id seen before is a duplicate (200, status
// duplicate: the resend of a report it has); a resident card number whose GB 11643 check digit is
// wrong, or a document number that is not 5 to 20 letters and digits, is rejected
// (`doc_no_malformed`); a guest already checked in at the venue by another report is rejected
// (`duplicate_registration`) unless the report corrects that one. `down` drops every connection,
// `stall` never answers, `error` answers 503, `lose_answer` records a report and drops the
// connection instead of answering (the sender must resend, and the resend is a duplicate).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type PoliceSimMode = 'accept' | 'down' | 'stall' | 'error' | 'lose_answer';

export interface SimReport {
  id: string;
  kind: string;
  venue: string;
  corrects?: string;
  stay: Record<string, unknown>;
  guest: { doc_type?: string; doc_no?: string; name?: string } & Record<string, unknown>;
}

export interface PoliceSim {
  url: string;
  /** Where reports go: the service's `police.url`. */
  reportsUrl: string;
  controlUrl: string;
  setMode(mode: PoliceSimMode): void;
  reject(docNo: string, reason: string | null): void;
  state(): { mode: PoliceSimMode; posts: number; accepted: SimReport[]; rejected: { id: string; reason: string }[] };
  close(): Promise<void>;
}

/** The service's `police` section reporting to `sim`, polled and retried fast enough for a test (docs/police.md). */
export function policeConfigFor(sim: PoliceSim): Record<string, unknown> {
  return { gateway: { kind: 'http', url: sim.reportsUrl, timeout_ms: 2000 }, poll_ms: 200, retry_base_ms: 300, retry_max_ms: 1000 };
}

/** GB 11643-1999 check digit of an 18-character resident identity number. */
export function ricValid(n: string): boolean {
  if (!/^\d{17}[\dX]$/.test(n)) return false;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = w.reduce((s, x, i) => s + x * Number(n[i]), 0);
  return '10X98765432'[sum % 11] === n[17];
}

function malformed(g: SimReport['guest']): boolean {
  const n = g.doc_no ?? '';
  if (g.doc_type === 'CN-RIC') return !ricValid(n);
  return !/^[A-Z0-9]{5,20}$/.test(n);
}

const MAX_BODY = 64 * 1024;

export async function startPoliceSim(o: { port?: number; mode?: PoliceSimMode } = {}): Promise<PoliceSim> {
  let mode: PoliceSimMode = o.mode ?? 'accept';
  let posts = 0;
  const accepted = new Map<string, SimReport>();
  const rejected: { id: string; reason: string }[] = [];
  const rules = new Map<string, string>();
  const stalled = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  };
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      let size = 0;
      const parts: Buffer[] = [];
      req.on('data', (b: Buffer) => {
        size += b.length;
        if (size > MAX_BODY) req.destroy(new Error('body too large'));
        else parts.push(b);
      });
      req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
      req.on('error', reject);
    });

  function inHouse(venue: string, docNo: string | undefined): SimReport | undefined {
    let last: SimReport | undefined;
    for (const r of accepted.values()) if (r.venue === venue && r.guest.doc_no === docNo) last = r;
    return last?.kind === 'check_in' ? last : undefined;
  }

  async function report(req: IncomingMessage, res: ServerResponse) {
    posts++;
    if (mode === 'down') return req.socket.destroy();
    if (mode === 'stall') {
      stalled.add(res);
      res.on('close', () => stalled.delete(res));
      return;
    }
    if (mode === 'error') return answer(res, 503, { status: 'unavailable' });
    let doc: SimReport;
    try {
      doc = JSON.parse(await read(req)) as SimReport;
    } catch {
      return answer(res, 400, { status: 'rejected', reason: 'not_json' });
    }
    if (typeof doc?.id !== 'string' || typeof doc.guest !== 'object' || !doc.guest) return answer(res, 400, { status: 'rejected', reason: 'not_a_report' });
    if (accepted.has(doc.id)) return mode === 'lose_answer' ? req.socket.destroy() : answer(res, 200, { status: 'duplicate' });
    const refuse = (reason: string) => {
      rejected.push({ id: doc.id, reason });
      answer(res, 422, { status: 'rejected', reason });
    };
    const rule = rules.get(doc.guest.doc_no ?? '');
    if (rule) return refuse(rule);
    if (malformed(doc.guest)) return refuse('doc_no_malformed');
    const there = doc.kind === 'check_in' ? inHouse(doc.venue, doc.guest.doc_no) : undefined;
    if (there && there.id !== doc.corrects && there.stay.id !== doc.stay.id) return refuse('duplicate_registration');
    accepted.set(doc.id, doc);
    if (mode === 'lose_answer') return req.socket.destroy();
    answer(res, 200, { status: 'accepted', receipt: `R${accepted.size}` });
  }

  const server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method === 'POST' && url === '/reports') return void report(req, res).catch(() => res.destroy());
    if (url === '/control' && req.method === 'GET') return answer(res, 200, sim.state());
    if (url === '/control' && req.method === 'POST') {
      return void read(req).then(
        (text) => {
          let b: { mode?: unknown; reject?: Record<string, unknown> };
          try {
            b = JSON.parse(text || '{}') as typeof b;
          } catch {
            return answer(res, 400, { error: 'not JSON' });
          }
          if (b.mode !== undefined && !['accept', 'down', 'stall', 'error', 'lose_answer'].includes(b.mode as string)) return answer(res, 400, { error: `mode must be accept, down, stall, error or lose_answer, not ${JSON.stringify(b.mode)}` });
          if (b.mode) sim.setMode(b.mode as PoliceSimMode);
          for (const [no, reason] of Object.entries(b.reject ?? {})) sim.reject(no, typeof reason === 'string' ? reason : null);
          answer(res, 200, sim.state());
        },
        () => res.destroy(),
      );
    }
    answer(res, 404, { error: `no route ${req.method} ${url}` });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sim: PoliceSim = {
    url,
    reportsUrl: `${url}/reports`,
    controlUrl: `${url}/control`,
    setMode(m) {
      mode = m;
      // Leaving `stall`: the held requests get no answer but a closed connection, as from a gateway that gave up.
      if (m !== 'stall') for (const r of stalled) r.destroy();
    },
    reject(docNo, reason) {
      if (reason) rules.set(docNo, reason);
      else rules.delete(docNo);
    },
    state: () => ({ mode, posts, accepted: [...accepted.values()], rejected: [...rejected] }),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return sim;
}
