// The service's socket-level boundaries, through a real service process on loopback: slow and
// idle sockets are closed by the configured timeouts, a crowd of sockets gets a clear 503 and
// cannot starve a terminal, and strangers' 16 MB bodies are never parsed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { HEADER_NONCE, HEADER_SIGNATURE, HEADER_TERMINAL, HEADER_TIME } from '../../terminal/src/protocol/index.ts';
import { enrollTerminal, startProcess, type ServiceProcess } from './process.ts';
import { heartbeatOf } from './support.ts';

/** A raw socket to the service: what it received, and when it was closed. */
function open(url: string, localAddress = '127.0.0.1') {
  const { port } = new URL(url);
  const socket = net.connect({ host: '127.0.0.1', port: Number(port), localAddress });
  let received = '';
  socket.setEncoding('utf8').on('data', (d: string) => (received += d));
  socket.on('error', () => {});
  const closed = new Promise<number>((r) => socket.once('close', () => r(Date.now())));
  const connected = new Promise<void>((r) => socket.once('connect', () => r()));
  return { socket, closed, connected, received: () => received };
}

const strangerHeaders = (length: number, o: { signed?: boolean } = {}) =>
  [
    'POST /v1/events HTTP/1.1',
    'host: 127.0.0.1',
    'content-type: application/json',
    `content-length: ${length}`,
    ...(o.signed === false
      ? []
      : [`${HEADER_TERMINAL}: t-000000000000`, `${HEADER_TIME}: ${Date.now()}`, `${HEADER_NONCE}: ${'N'.repeat(22)}`, `${HEADER_SIGNATURE}: ${'S'.repeat(86)}`]),
    '',
    '',
  ].join('\r\n');

/** A 16 MB body that is valid JSON and costly to parse: many small events. */
function bigJson(bytes: number): Buffer {
  const one = JSON.stringify({ seq: 1, type: 'verdict', at: 1, trusted_at: 1, scenario: 'x', droppable: false, body: { a: [1, 2, 3] }, sealed: null, prev_hash: '0', hash: '0' });
  const n = Math.floor((bytes - 20) / (one.length + 1));
  return Buffer.from(`{"events":[${Array(n).fill(one).join(',')}]}`.padEnd(bytes, ' '));
}

describe('timeouts', () => {
  let svc: ServiceProcess;
  before(async () => {
    // Shortened timeouts (production: request 30 s, headers 10 s, idle 30 s; docs/security.md).
    svc = await startProcess({ limits: { request_timeout_ms: 2000, headers_timeout_ms: 1000, idle_timeout_ms: 3000 } });
  });
  after(() => svc.stop());

  test('slow-body and silent sockets are closed by the request and header timeouts', async () => {
    const started = Date.now();
    const slow = Array.from({ length: 10 }, () => open(svc.url));
    const silent = Array.from({ length: 5 }, () => open(svc.url));
    await Promise.all([...slow, ...silent].map((s) => s.connected));
    for (const s of slow) s.socket.write(strangerHeaders(100_000));
    // Trickle one byte every 100 ms: never idle, never done.
    const trickle = setInterval(() => slow.forEach((s) => s.socket.writable && s.socket.write('{')), 100);
    try {
      const closedAt = await Promise.race([Promise.all([...slow, ...silent].map((s) => s.closed)), sleep(20_000).then(() => null)]);
      assert.ok(closedAt, 'every slow and silent socket was closed by the service');
      for (const x of slow) assert.match(x.received(), /^HTTP\/1\.1 408 [^]*"error":"YSS_SYNC_REQUEST_TIMEOUT"/);
    } finally {
      clearInterval(trickle);
      [...slow, ...silent].forEach((s) => s.socket.destroy());
    }
    // Closed by the timeouts (2 s and 1 s, checked every 250 ms), not by this test giving up.
    assert.ok(Date.now() - started < 20_000);
    assert.equal((await fetch(new URL('/v1/time', svc.url))).status, 200);
  });

  test('an unsigned body is refused from its headers, before a byte of it is sent', async () => {
    const s = open(svc.url);
    await s.connected;
    s.socket.write(strangerHeaders(16 * 1024 * 1024, { signed: false }));
    for (let i = 0; i < 50 && !s.received().includes('\r\n\r\n{'); i++) await sleep(100);
    assert.match(s.received(), /^HTTP\/1\.1 401/);
    assert.match(s.received(), /YSS_SYNC_UNSIGNED/);
    s.socket.destroy();
  });
});

describe('caps', () => {
  let svc: ServiceProcess;
  before(async () => {
    svc = await startProcess({ limits: { max_connections: 8, max_connections_per_address: 5 } });
  });
  after(() => svc.stop());

  test('sockets past the per-address and the total cap get a clear 503 and are closed; others still get through', async () => {
    const held = Array.from({ length: 5 }, () => open(svc.url, '127.0.0.1'));
    await Promise.all(held.map((s) => s.connected));
    await sleep(200);
    const sixth = open(svc.url, '127.0.0.1');
    await sixth.closed;
    assert.match(sixth.received(), /^HTTP\/1\.1 503/);
    assert.match(sixth.received(), /"error":"YSS_SYNC_OVERLOADED".*too many connections from this address/);
    // Another address still gets through, up to the total of 8.
    const others = Array.from({ length: 3 }, () => open(svc.url, '127.0.0.2'));
    await Promise.all(others.map((s) => s.connected));
    await sleep(200);
    const ninth = open(svc.url, '127.0.0.3');
    await ninth.closed;
    assert.match(ninth.received(), /^HTTP\/1\.1 503/);
    assert.match(ninth.received(), /too many connections\b(?! from)/);
    [...held, ...others].forEach((s) => s.socket.destroy());
    await Promise.all([...held, ...others].map((s) => s.closed));
    await sleep(200);
    assert.equal((await fetch(new URL('/v1/time', svc.url))).status, 200);
  });
});

describe('strangers\' bodies', () => {
  let svc: ServiceProcess;
  before(async () => {
    svc = await startProcess();
  });
  after(() => svc.stop());

  test('eight strangers\' 16 MB JSON bodies are hashed, not parsed: each is a 401 and a terminal is still served', async () => {
    const rss = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${svc.child.process.pid}/status`, 'utf8'))![1]) * 1024;
    const peakBefore = rss();
    const t = await enrollTerminal(svc);
    const body = bigJson(16 * 1024 * 1024);
    const strangers = Array.from({ length: 8 }, () => open(svc.url));
    await Promise.all(strangers.map((s) => s.connected));
    for (const s of strangers) {
      s.socket.write(strangerHeaders(body.length));
      s.socket.write(body);
    }
    const hb = JSON.stringify(heartbeatOf());
    const legit = await fetch(new URL('/v1/heartbeat', svc.url), { method: 'POST', body: hb, headers: { 'content-type': 'application/json', ...t.sign('POST', '/v1/heartbeat', hb) } });
    assert.equal(legit.status, 200);
    for (const s of strangers) {
      for (let i = 0; i < 300 && !s.received().includes('}'); i++) await sleep(100);
      assert.match(s.received(), /^HTTP\/1\.1 401/);
      assert.match(s.received(), /YSS_SYNC_BAD_SIGNATURE/, 'refused for its signature, not as a JSON body it parsed');
      s.socket.destroy();
    }
    // Parsing these bodies took the service past 2 GB; holding and hashing them costs their bytes.
    const grown = rss() - peakBefore;
    assert.ok(grown < 512 * 1024 * 1024, `peak RSS grew by ${Math.round(grown / 1048576)} MB`);
  });
});

describe('the pace of unverified bytes', () => {
  let svc: ServiceProcess;
  before(async () => {
    // 1 MiB/s (production: 8 MiB/s): an 8 MiB stranger's body past its free first MiB takes 7 s.
    svc = await startProcess({ limits: { unverified_bytes_per_s: 1024 * 1024 } });
  });
  after(() => svc.stop());

  test('a big unverified body is received at the pace, while a terminal\'s heartbeat passes at once', async () => {
    const t = await enrollTerminal(svc);
    const s = open(svc.url);
    await s.connected;
    const body = bigJson(8 * 1024 * 1024);
    s.socket.write(strangerHeaders(body.length));
    s.socket.write(body);
    await sleep(500);
    const hb = JSON.stringify(heartbeatOf());
    const legit = await fetch(new URL('/v1/heartbeat', svc.url), { method: 'POST', body: hb, headers: { 'content-type': 'application/json', ...t.sign('POST', '/v1/heartbeat', hb) } });
    assert.equal(legit.status, 200);
    assert.equal(s.received(), '', 'the stranger is still being received at the pace when the terminal has its answer');
    assert.ok(s.socket.writableLength > 1024 * 1024, `the service holds back the stranger's bytes (${s.socket.writableLength} still unsent)`);
    for (let i = 0; i < 300 && !s.received().includes('}'); i++) await sleep(100);
    assert.match(s.received(), /^HTTP\/1\.1 401[^]*YSS_SYNC_BAD_SIGNATURE/, 'and then refused for its signature');
    s.socket.destroy();
  });
});
