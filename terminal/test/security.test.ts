// Proof, against the real daemon and service processes: personal data from a hotel registration
// is sealed before it touches the terminal's disk (database and WAL grepped for the name and ID
// number), never logged, and opened only by the service; and the service refuses unsigned,
// forged and replayed uploads over the wire, storing nothing from them.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import nacl from 'tweetnacl';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { EventFeed, Stack, waitFor } from '../../scripts/lib/stack.ts';
import { ed25519PrivateKey, signRequest } from '../src/protocol/index.ts';
import { DB_FILE } from '../src/db/index.ts';
import { FaultProxy } from './support/fault-proxy.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const NAME = '欧阳振华';
const DOC_NO = '44010619850307123X';

let dir: string;
let stack: Stack;
let proxy: FaultProxy;
let feed: EventFeed;
let terminalId: string;
const logs: string[] = [];
const sent = new Map<number, Buffer>();

before(async () => {
  dir = tempDir('yss-security-');
  proxy = new FaultProxy({ tap: (c, chunk) => sent.set(c, Buffer.concat([sent.get(c) ?? Buffer.alloc(0), chunk])) });
  const proxyUrl = await proxy.listen();
  stack = new Stack({ dir, venue: 'hotel', terminalServiceUrl: proxyUrl, onOutput: (_s, line) => logs.push(line), sync: { heartbeat_s: 1 } });
  await stack.startService();
  const u = new URL(stack.serviceUrl);
  proxy.target = { host: u.hostname, port: Number(u.port) };
  await stack.publishTrustList(1);
  await stack.enroll();
  await stack.openScanner();
  await stack.startTerminal();
  feed = await EventFeed.open(stack.kioskUrl);
  await waitFor(async () => (await (await fetch(new URL('/api/health', stack.kioskUrl))).json()).devices?.[0]?.state === 'connected', 15_000);
  stack.scan(mintCode({ keys: stack.keysDir, type: 'personal', scope: ['hotel-checkin'], name: NAME, subject: { doc_type: 'resident_id', doc_no: DOC_NO } }));
  const verdict = await feed.nextVerdict(0, 15_000);
  assert.equal(verdict.accepted, true, `refused: ${verdict.reason}`);
  terminalId = (await stack.admin('GET', '/admin/terminals')).terminals[0].id;
  await waitFor(async () => (await stack.admin('GET', `/admin/terminals/${terminalId}`)).head_seq >= verdict.seq, 15_000, 50, 'the registration stored');
});

after(async () => {
  feed?.close();
  await stack?.stop();
  await proxy?.close();
  rmSync(dir, { recursive: true, force: true });
});

const patterns = [Buffer.from(NAME, 'utf8'), Buffer.from(NAME, 'utf16le'), Buffer.from(JSON.stringify(NAME).slice(1, -1)), Buffer.from(DOC_NO), Buffer.from(DOC_NO, 'utf16le')];
const escaped = Buffer.from([...NAME].map((c) => `\\u${c.charCodeAt(0).toString(16)}`).join(''));

function plaintextIn(file: string): string[] {
  if (!existsSync(file)) return [];
  const bytes = readFileSync(file);
  return [...patterns, escaped].filter((p) => bytes.includes(p)).map((p) => p.toString('utf8'));
}

test('the daemon\'s heartbeat reaches the service with backlog, devices, trust-list sequence and version', async () => {
  const s = await waitFor(async () => {
    const t = await stack.admin('GET', `/admin/terminals/${terminalId}`);
    return t.heartbeat && t.heartbeat.queue.last_seq >= 1 ? t : undefined;
  }, 15_000, 100, 'a heartbeat');
  assert.equal(s.heartbeat.version, '0.1.0');
  assert.equal(s.heartbeat.trust_sequence, 1);
  assert.deepEqual(s.heartbeat.devices, [{ id: 'scanner-1', role: 'scanner', state: 'connected' }]);
  assert.equal(typeof s.heartbeat.queue.backlog, 'number');
  assert.equal(typeof s.heartbeat.queue.dropped_total, 'number');
  assert.ok('oldest_unsent_age_s' in s.heartbeat.queue);
  assert.ok(s.heartbeat_age_s <= 5);
  assert.equal(typeof s.lag_events, 'number');
});

test('the service opens the sealed registration: the name and ID number were captured', async () => {
  const r = await stack.admin('GET', `/admin/terminals/${terminalId}/events?after=0&open=1&purpose=security+test+checks+the+seal`);
  const reg = r.events.find((e: { type: string }) => e.type === 'registration');
  assert.ok(reg, 'a registration event is stored');
  assert.equal(reg.personal.name, NAME);
  assert.equal(reg.personal.doc_no, DOC_NO);
  const closed = await stack.admin('GET', `/admin/terminals/${terminalId}/events?after=0`);
  assert.ok(!JSON.stringify(closed).includes(DOC_NO), 'without open=1 the service returns it sealed');
});

test('the terminal database, its WAL and shared memory hold neither the name nor the ID number', async () => {
  await stack.stopTerminal('SIGKILL'); // no checkpoint: the WAL stays as it was
  const data = join(dir, 'terminal-data');
  assert.ok(existsSync(join(data, DB_FILE)));
  assert.ok(existsSync(join(data, `${DB_FILE}-wal`)), 'the WAL file exists and is checked');
  for (const f of [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`, 'identity.json']) assert.deepEqual(plaintextIn(join(data, f)), [], `${f} holds plaintext personal data`);
  // The terminal stays down from here on, so the service's head for it only moves if a refused
  // request stored something.
});

test('the service database holds the personal data only sealed', () => {
  const data = join(dir, 'service-data');
  for (const f of ['sync-service.db', 'sync-service.db-wal']) assert.deepEqual(plaintextIn(join(data, f)), [], `${f} holds plaintext personal data`);
});

test('no log line of the terminal or the service contains the name or the ID number', () => {
  assert.ok(logs.length > 5, `${logs.length} log lines checked`);
  const leaks = logs.filter((l) => l.includes(NAME) || l.includes(DOC_NO) || l.includes(escaped.toString()));
  assert.deepEqual(leaks, []);
});

async function rawRequest(port: number, bytes: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // Written, not ended: a client that half-closes has its request aborted by node's HTTP server
    // (httpAllowHalfOpen is off), and the reply to an upload waits for the WAL sync in the thread
    // pool. The request asks for `connection: close`, so the service closes once it has answered.
    const s = net.connect(port, '127.0.0.1', () => s.write(bytes));
    let out = '';
    s.on('data', (d) => (out += String(d)));
    s.on('error', reject);
    s.on('close', () => resolve({ status: Number(out.split(' ')[1]), body: out.slice(out.indexOf('\r\n\r\n') + 4) }));
  });
}

/** The first upload the terminal sent through the proxy, as raw HTTP/1.1 bytes. */
function capturedUpload(): { request: Buffer; body: string } {
  for (const bytes of sent.values()) {
    const at = bytes.indexOf('POST /v1/events HTTP/1.1');
    if (at < 0) continue;
    const head = bytes.subarray(at, bytes.indexOf('\r\n\r\n', at) + 4);
    const length = Number(/content-length: (\d+)/i.exec(head.toString())![1]);
    const request = bytes.subarray(at, at + head.length + length);
    return { request, body: request.subarray(head.length).toString('utf8') };
  }
  throw new Error('no upload passed through the proxy');
}

test('a captured upload replayed byte for byte is refused as a replayed nonce, and stores nothing', async () => {
  const captured = capturedUpload().request;
  const withClose = Buffer.from(captured.toString('latin1').replace(/\r\nconnection: [^\r]*/i, '').replace('\r\n\r\n', '\r\nconnection: close\r\n\r\n'), 'latin1');
  const before = (await stack.admin('GET', `/admin/terminals/${terminalId}`)).head_seq;
  const r = await rawRequest(Number(new URL(stack.serviceUrl).port), withClose);
  assert.equal(r.status, 401, r.body);
  assert.equal(JSON.parse(r.body).error, 'YSS_SYNC_REPLAYED_NONCE');
  assert.equal((await stack.admin('GET', `/admin/terminals/${terminalId}`)).head_seq, before);
});

test('over the wire, an unsigned upload gets 401 and one signed by another key 401, storing nothing', async () => {
  const before = (await stack.admin('GET', `/admin/terminals/${terminalId}`)).head_seq;
  const body = capturedUpload().body;
  assert.match(body, /"events":\[\{"seq":1,/);
  const url = new URL('/v1/events', stack.serviceUrl);
  const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  assert.equal(unsigned.status, 401);
  assert.equal(((await unsigned.json()) as { error: string }).error, 'YSS_SYNC_UNSIGNED');
  const mallory = ed25519PrivateKey(nacl.randomBytes(32));
  const forged = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(mallory, terminalId, 'POST', '/v1/events', body, Date.now()) }, body });
  assert.equal(forged.status, 401);
  assert.equal(((await forged.json()) as { error: string }).error, 'YSS_SYNC_BAD_SIGNATURE');
  assert.equal((await stack.admin('GET', `/admin/terminals/${terminalId}`)).head_seq, before);
});
