// The service under strangers, against a real service process with its production limits:
// - the p99 latency of a terminal's signed heartbeat while 8 strangers keep sending 16 MB
//   bodies (each from a fresh loopback address, so the per-address rate limit does not hide the
//   cost of receiving and hashing them), beside the same p99 with no strangers (the floor);
//   `YSS_PACE=<bytes/s>` runs it with another pace of unverified bytes (limits.unverified_bytes_per_s),
//   e.g. 1e12 for none, to compare in one session;
// - how many slow-body and silent sockets are still open 60 s after they connected (production
//   timeouts: request 30 s, headers 10 s);
// - how many failed guesses (admin token, enrollment code) one address gets answered per second
//   before 429, over 10 s.
import http from 'node:http';
import net from 'node:net';
import { HEADER_NONCE, HEADER_SIGNATURE, HEADER_TERMINAL, HEADER_TIME } from '../../terminal/src/protocol/index.ts';
import { enrollTerminal, startProcess, type ServiceProcess } from '../test/process.ts';
import { heartbeatOf } from '../test/support.ts';
import { LIMIT_DEFAULTS } from '../src/config.ts';

const STRANGERS = 8;
const BODY = 16 * 1024 * 1024;
const SLOW = 100;

let address = 0;
/** A fresh loopback source address (127.1.0.0/16) for each stranger connection. */
const nextAddress = () => {
  address++;
  return `127.1.${(address >> 8) & 255}.${(address & 255) || 1}`;
};

function post(url: URL, body: string, headers: Record<string, string>, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A terminal's signed heartbeats (a SQLite commit each) alternating with unsigned GET /v1/time
 * (no disk), so the figures tell the event loop's share from the disk's.
 */
async function heartbeatLatencies(svc: ServiceProcess, t: Awaited<ReturnType<typeof enrollTerminal>>, ms: number): Promise<{ heartbeat: number[]; time: number[]; shed: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL('/v1/heartbeat', svc.url);
  const out = { heartbeat: [] as number[], time: [] as number[], shed: 0 };
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const body = JSON.stringify(heartbeatOf());
    let started = process.hrtime.bigint();
    const status = await post(url, body, { 'content-type': 'application/json', ...t.sign('POST', '/v1/heartbeat', body) }, agent);
    out.heartbeat.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (status === 503) out.shed++;
    else if (status !== 200) throw new Error(`the terminal's heartbeat got HTTP ${status}`);
    started = process.hrtime.bigint();
    await new Promise<void>((resolve, reject) => {
      http.get(new URL('/v1/time', svc.url), { agent }, (res) => res.resume().on('end', () => resolve())).on('error', reject);
    });
    out.time.push(Number(process.hrtime.bigint() - started) / 1e6);
    await new Promise((r) => setTimeout(r, 20));
  }
  agent.destroy();
  return out;
}

const p99 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]! * 10) / 10;
};

/** One stranger: sends 16 MB bodies with plausible headers, one after another, until stopped. */
async function stranger(svc: ServiceProcess, body: Buffer, stop: { now: boolean }, counts: Record<number, number>) {
  const { port } = new URL(svc.url);
  while (!stop.now) {
    const status = await new Promise<number>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port: Number(port), localAddress: nextAddress() });
      let got = '';
      // Answered once the reply's JSON has arrived: the stranger then hangs up (it never half-closes
      // first, which node's server takes as the end of the exchange).
      s.setEncoding('latin1').on('data', (d: string) => {
        got += d;
        if (got.includes('}')) s.destroy();
      });
      s.on('error', () => {});
      s.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(got)?.[1] ?? 0)));
      s.on('connect', () => {
        s.write(
          `POST /v1/events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n` +
            `${HEADER_TERMINAL}: t-000000000000\r\n${HEADER_TIME}: ${Date.now()}\r\n${HEADER_NONCE}: ${'N'.repeat(22)}\r\n${HEADER_SIGNATURE}: ${'S'.repeat(86)}\r\n\r\n`,
        );
        s.write(body);
      });
    });
    counts[status] = (counts[status] ?? 0) + 1;
  }
}

async function slowSockets(svc: ServiceProcess) {
  const { port } = new URL(svc.url);
  const started = Date.now();
  let open = 0;
  let lastClose = 0;
  const sockets = Array.from({ length: SLOW }, (_, i) => {
    const s = net.connect({ host: '127.0.0.1', port: Number(port), localAddress: nextAddress() });
    open++;
    s.on('error', () => {});
    s.on('close', () => {
      open--;
      lastClose = Date.now();
    });
    // Half trickle a body a byte every 500 ms, half never send anything.
    if (i % 2 === 0) {
      s.on('connect', () => s.write(`POST /v1/events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n`));
    }
    return { s, slow: i % 2 === 0 };
  });
  const trickle = setInterval(() => sockets.forEach((x) => x.slow && x.s.writable && x.s.write('{')), 500);
  // Once all are closed none can reopen: the count at 60 s is known.
  while (open > 0 && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 250));
  clearInterval(trickle);
  const stillOpen = open;
  sockets.forEach((x) => x.s.destroy());
  return { slow_sockets_open_after_60s: stillOpen, slow_sockets_all_closed_after_s: stillOpen ? -1 : Math.round((lastClose - started) / 100) / 10 };
}

async function guesses(svc: ServiceProcess) {
  const from = nextAddress();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: from } as http.AgentOptions);
  const count = async (send: (i: number) => Promise<number>) => {
    const end = Date.now() + 10_000;
    let answered = 0;
    let limited = 0;
    for (let i = 0; Date.now() < end; i++) {
      const status = await send(i);
      if (status === 429) limited++;
      else answered++;
    }
    return { answered, limited };
  };
  const admin = await count(
    (i) =>
      new Promise<number>((resolve, reject) => {
        const req = http.get(new URL('/admin/terminals', svc.url), { agent, headers: { authorization: `Bearer guess-${i}` } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
      }),
  );
  const enrollAgent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: nextAddress() } as http.AgentOptions);
  const enroll = await count((i) =>
    post(new URL('/v1/enroll', svc.url), JSON.stringify({ enrollment_code: `guess-${i}-0000000000`, public_key: 'A'.repeat(43) }), { 'content-type': 'application/json' }, enrollAgent),
  );
  agent.destroy();
  enrollAgent.destroy();
  return {
    admin_guesses_answered_per_s_per_address: admin.answered / 10,
    admin_guesses_429_per_s: Math.round(admin.limited / 10),
    enroll_guesses_answered_per_s_per_address: enroll.answered / 10,
  };
}

export async function run(): Promise<Record<string, number>> {
  // Production limits, lag shedding included.
  const svc = await startProcess({ limits: { max_event_loop_delay_ms: LIMIT_DEFAULTS.max_event_loop_delay_ms, unverified_bytes_per_s: Number(process.env.YSS_PACE) || LIMIT_DEFAULTS.unverified_bytes_per_s } });
  try {
    const t = await enrollTerminal(svc);
    await heartbeatLatencies(svc, t, 1000); // warm-up
    const floor = await heartbeatLatencies(svc, t, 8000);
    const body = Buffer.from(`{"events":[${Array(400_000).fill('{"seq":1,"type":"v","body":{}}').join(',')}]}`.padEnd(BODY, ' ').slice(0, BODY));
    const stop = { now: false };
    const counts: Record<number, number> = {};
    const started = Date.now();
    const strangers = Array.from({ length: STRANGERS }, () => stranger(svc, body, stop, counts));
    await new Promise((r) => setTimeout(r, 1000));
    const loaded = await heartbeatLatencies(svc, t, 8000);
    stop.now = true;
    await Promise.all(strangers);
    const seconds = (Date.now() - started) / 1000;
    const refused = counts[401] ?? 0;
    if (refused === 0) throw new Error(`no stranger body was refused as unsigned: ${JSON.stringify(counts)}`);
    const result: Record<string, number> = {
      strangers_legit_p99_ms: p99(loaded.heartbeat),
      strangers_legit_floor_p99_ms: p99(floor.heartbeat),
      strangers_time_p99_ms: p99(loaded.time),
      strangers_time_floor_p99_ms: p99(floor.time),
      strangers_legit_shed_503: loaded.shed,
      strangers_bodies_refused_per_s: Math.round((refused / seconds) * 10) / 10,
      strangers_bodies_other_answers: Object.entries(counts).reduce((n, [k, v]) => (k === '401' ? n : n + v), 0),
      ...Object.fromEntries(Object.entries(counts).filter(([k]) => k !== "401").map(([k, v]) => [`strangers_bodies_answered_${k}`, v])),
    };
    Object.assign(result, await guesses(svc));
    Object.assign(result, await slowSockets(svc));
    return result;
  } finally {
    await svc.stop();
  }
}
