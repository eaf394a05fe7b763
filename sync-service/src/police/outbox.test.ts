// The police outbox against the simulated gateway over real HTTP on loopback, with a real SQLite
// store, real seals and the real audit file; time is an injected clock moved by the test.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startPoliceSim, type PoliceSim } from '../../../scripts/lib/police-sim.ts';
import { startTestService, WireClient } from '../../test/support.ts';
import { UnsealAudit, verifyAuditChain } from '../audit.ts';
import { FileBatchGateway, type Batch } from './file-batch.ts';
import { HttpGateway } from './http.ts';
import { OUTBOX_DEFAULTS, PoliceOutbox } from './outbox.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

const H = 3_600_000;
const T0 = 1_800_000_000_000;
const RIC = '440106199003071231';
const RIC_BAD = '440106199003071239';

let sim: PoliceSim;
before(async () => {
  sim = await startPoliceSim();
});
after(async () => {
  await sim.close();
});

/** A service, a terminal, and an outbox on the sim, all on one moved clock. */
async function setup(o: { timeoutMs?: number } = {}) {
  let clock = T0;
  const now = () => clock;
  const svc = await startTestService({ now });
  const audit = new UnsealAudit(svc.dir, 'unseal-audit-police.jsonl');
  const outbox = new PoliceOutbox({ storage: svc.storage, gateway: new HttpGateway({ url: sim.reportsUrl, timeoutMs: o.timeoutMs ?? 2000 }), sealKeys: svc.sealKeys, audit, logger: null, now });
  const t = await new WireClient(svc, now).enroll();
  /** A registration (sealed record) and its guest_in, as the terminal sends them. */
  const checkIn = async (guest: number, personal: Record<string, string>, over: Record<string, unknown> = {}) => {
    const reg = t.events(1, { type: 'registration', venue: 'hotel', at: clock - 1000, personal })[0]!;
    const gin = t.events(1, {
      type: 'guest_in',
      venue: 'hotel',
      at: clock - 1000,
      body: { stay_id: 1, guest_id: guest, of_seq: reg.seq, room: '301', arrival: '2027-01-15', departure: '2027-01-16', head_count: 3, main: guest === 1, category: 'domestic', needs_details: false, deadline_at: clock + 2 * H, alert_at: clock, ...over },
    })[0]!;
    assert.equal((await t.upload([reg, gin])).status, 200);
    return gin.seq;
  };
  const states = async () => (await svc.storage.policeOfTerminal(t.id, 0, 100)).map((r) => [r.seq, r.kind, r.state, r.reason]);
  return {
    svc,
    t,
    audit,
    outbox,
    checkIn,
    states,
    move: (ms: number) => (clock += ms),
    now,
    async close() {
      await outbox.stop();
      audit.close();
      await svc.close();
    },
  };
}

const reset = () => {
  sim.setMode('accept');
  for (const r of sim.state().rejected) sim.reject(r.id, null);
};

test('a check-in reaches the gateway with only the fields the police format needs, audited as police-report', async () => {
  reset();
  const s = await setup();
  try {
    const seq = await s.checkIn(1, { name: '张三明', doc_type: 'CN-RIC', doc_no: RIC, address: '广州市越秀区府前路1号' });
    assert.equal(await s.outbox.tick(), 1);
    assert.deepEqual(await s.states(), [[seq, 'check_in', 'accepted', null]]);
    const got = sim.state().accepted.find((r) => r.id === `${s.t.id}/${seq}`)!;
    assert.deepEqual(got.guest, { id: 1, main: true, category: 'domestic', name: '张三明', doc_type: 'CN-RIC', doc_no: RIC }, 'the address stays sealed');
    assert.equal(got.stay.room, '301');
    const chain = verifyAuditChain(s.svc.dir, 'unseal-audit-police.jsonl');
    assert.ok(chain.ok);
    assert.equal(chain.records.length, 1);
    assert.equal(chain.records[0]!.operator, 'police-report');
    assert.deepEqual(chain.records[0]!.seqs, [seq - 1]);
    assert.match(chain.records[0]!.purpose, new RegExp(`police report ${s.t.id}/${seq} \\(check_in, attempt 1\\)`));
    assert.deepEqual((await s.svc.storage.policeHistory(s.t.id, seq)).map((h) => h.state), ['pending', 'sent', 'accepted']);
  } finally {
    await s.close();
  }
});

test('the gateway down for an hour: retries back off, the alert rises then turns overdue, and all drains when it is back', async () => {
  reset();
  const s = await setup();
  try {
    const a = await s.checkIn(1, { name: '张三明', doc_type: 'CN-RIC', doc_no: RIC });
    const b = await s.checkIn(2, { name: 'SMITH JOHN', doc_type: 'PASSPORT', doc_no: 'E1234567' }, { category: 'foreign', deadline_at: T0 + 50 * 60_000, alert_at: T0 + 20 * 60_000 });
    sim.setMode('down');
    const posts = sim.state().posts;
    const overdue = async () => (await s.svc.admin('GET', '/admin/police/overdue')).json as { due_soon: number; overdue: number; reports: { id: string; alert: string; reason: string }[] };
    assert.deepEqual((await overdue()).reports.map((r) => [r.id, r.alert]), [[`${s.t.id}/${a}`, 'due_soon']], 'the domestic guest alerts at once (alert_at = check-in)');
    const seen: string[] = [];
    for (let m = 0; m <= 60; m++) {
      await s.outbox.tick();
      const o = await overdue();
      seen.push(o.reports.map((r) => `${r.id.split('/')[1]}:${r.alert}`).join(','));
      s.move(60_000);
    }
    const tries = sim.state().posts - posts;
    // 15 s, 30 s, 1, 2, 4, 8 min, then every 10 min: about 10 attempts each in an hour, not 60.
    assert.ok(tries >= 2 * 8 && tries <= 2 * 12, `attempts in an hour of downtime: ${tries}`);
    assert.ok(seen.includes(`${b}:due_soon,${a}:due_soon`), `the foreign guest alerts from its alert_at: ${seen.join(' | ')}`);
    assert.equal(seen.at(-1), `${b}:overdue,${a}:due_soon`, 'a passed deadline is overdue, soonest deadline first');
    assert.match((await overdue()).reports[0]!.reason, /^connection failed \(/, 'the last failure is shown');
    assert.deepEqual((await s.states()).map((r) => r[2]), ['pending', 'pending']);
    sim.setMode('accept');
    s.move(OUTBOX_DEFAULTS.retry_max_ms);
    assert.equal(await s.outbox.tick(), 2);
    assert.deepEqual((await s.states()).map((r) => r[2]), ['accepted', 'accepted']);
    assert.deepEqual(await overdue(), { now: s.now(), due_soon: 0, overdue: 0, reports: [] }, 'the alert clears');
  } finally {
    await s.close();
  }
});

test('a stalled gateway is given up on after the timeout and retried', async () => {
  reset();
  const s = await setup({ timeoutMs: 300 });
  try {
    const seq = await s.checkIn(1, { name: '张三明', doc_type: 'CN-RIC', doc_no: RIC });
    sim.setMode('stall');
    await s.outbox.tick();
    const [r] = await s.svc.storage.policeOfTerminal(s.t.id, 0, 1);
    assert.deepEqual([r!.seq, r!.state, r!.reason, r!.next_attempt_at], [seq, 'pending', 'no answer within 300 ms', s.now() + OUTBOX_DEFAULTS.retry_base_ms]);
  } finally {
    await s.close();
  }
});

test('a rejected report keeps its reason; the correction is a new report, accepted, and the history shows both', async () => {
  reset();
  const s = await setup();
  try {
    const seq = await s.checkIn(1, { name: '张三明', doc_type: 'CN-RIC', doc_no: RIC_BAD });
    await s.outbox.tick();
    assert.deepEqual(await s.states(), [[seq, 'check_in', 'rejected', 'doc_no_malformed']]);
    const fix = s.t.events(1, {
      type: 'guest_fix',
      venue: 'hotel',
      at: s.now() - 1000,
      personal: { doc_no: RIC },
      body: { stay_id: 1, guest_id: 1, of_seq: seq - 1, corrects: seq, room: '301', main: true, category: 'domestic', deadline_at: T0 + 2 * H, alert_at: T0 },
    })[0]!;
    assert.equal((await s.t.upload([fix])).status, 200);
    await s.outbox.tick();
    assert.deepEqual(await s.states(), [[fix.seq, 'check_in', 'accepted', null], [seq, 'check_in', 'rejected', 'doc_no_malformed']]);
    const got = sim.state().accepted.find((r) => r.id === `${s.t.id}/${fix.seq}`)!;
    assert.equal(got.guest.doc_no, RIC, 'the corrected number');
    assert.equal(got.guest.name, '张三明', 'the rest from the first reading');
    assert.equal(got.corrects, `${s.t.id}/${seq}`);
    assert.equal((await s.svc.admin('GET', '/admin/police/overdue')).json.reports.length, 0, 'the corrected rejection no longer alerts');
    const h = await s.svc.admin('GET', `/admin/police/reports/${s.t.id}/${seq}`);
    assert.deepEqual(h.json.history.map((x: { state: string }) => x.state), ['pending', 'sent', 'rejected']);
  } finally {
    await s.close();
  }
});

test('a report claimed and never settled (a crash mid-send) is sent again after its lease, and the gateway takes it once', async () => {
  reset();
  const s = await setup();
  try {
    const seq = await s.checkIn(1, { name: '张三明', doc_type: 'CN-RIC', doc_no: RIC });
    // A node that sends it and dies before recording the outcome: the gateway has it, the row says sent.
    const real = new HttpGateway({ url: sim.reportsUrl, timeoutMs: 2000 });
    const dying = new PoliceOutbox({
      storage: s.svc.storage,
      gateway: { kind: 'http', send: async (doc) => (await real.send(doc), Promise.reject(new Error('killed after sending'))) },
      sealKeys: s.svc.sealKeys,
      audit: s.audit,
      logger: null,
      now: s.now,
    });
    await assert.rejects(dying.tick(), /killed after sending/);
    assert.deepEqual(await s.states(), [[seq, 'check_in', 'sent', null]]);
    assert.equal(sim.state().accepted.filter((x) => x.id === `${s.t.id}/${seq}`).length, 1);
    assert.equal(await s.outbox.tick(), 0, 'leased: not due');
    s.move(OUTBOX_DEFAULTS.lease_ms);
    const before = sim.state().posts;
    assert.equal(await s.outbox.tick(), 1);
    assert.equal(sim.state().posts, before + 1, 'sent again');
    assert.equal(sim.state().accepted.filter((x) => x.id === `${s.t.id}/${seq}`).length, 1, 'recorded once by the gateway');
    assert.deepEqual(await s.states(), [[seq, 'check_in', 'accepted', null]]);
  } finally {
    await s.close();
  }
});

test('a foreign guest is reported with the details the clerk added, only once they arrived', async () => {
  reset();
  const s = await setup();
  try {
    const seq = await s.checkIn(1, { name: 'SMITH JOHN', doc_type: 'PASSPORT', doc_no: 'E1234567', nationality: 'GBR' }, { category: 'foreign', needs_details: true, deadline_at: T0 + 24 * H, alert_at: T0 + 22 * H });
    assert.equal(await s.outbox.tick(), 0, 'waits for the details');
    const d = s.t.events(1, { type: 'guest_detail', venue: 'hotel', at: s.now() - 1000, personal: { visa_type: 'L', visa_no: 'V998877', entry_date: '2027-01-14', entry_port: 'Luohu' }, body: { stay_id: 1, guest_id: 1, of_seq: seq - 1 } })[0]!;
    await s.t.upload([d]);
    assert.equal(await s.outbox.tick(), 1);
    const got = sim.state().accepted.find((r) => r.id === `${s.t.id}/${seq}`)!;
    assert.deepEqual(got.guest, { id: 1, main: true, category: 'foreign', name: 'SMITH JOHN', doc_type: 'PASSPORT', doc_no: 'E1234567', nationality: 'GBR', visa_type: 'L', visa_no: 'V998877', entry_date: '2027-01-14', entry_port: 'Luohu' });
  } finally {
    await s.close();
  }
});

test('a terminal reads its guests\' report states on a signed route, and only its own', async () => {
  reset();
  const s = await setup();
  try {
    const seq = await s.checkIn(1, { name: '张三明', doc_type: 'CN-RIC', doc_no: RIC_BAD });
    await s.outbox.tick();
    const other = await new WireClient(s.svc, s.now).enroll();
    const read = async (c: WireClient) => {
      const res = await s.svc.app.inject({ method: 'GET', url: '/v1/police/states', headers: c.headers('GET', '/v1/police/states', '') });
      return { status: res.statusCode, json: JSON.parse(res.body) };
    };
    const mine = await read(s.t);
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.json.reports.map((r: { seq: number; guest_id: number; state: string; reason: string }) => [r.seq, r.guest_id, r.state, r.reason]), [[seq, 1, 'rejected', 'doc_no_malformed']]);
    assert.deepEqual((await read(other)).json.reports, []);
    const unsigned = await s.svc.app.inject({ method: 'GET', url: '/v1/police/states' });
    assert.equal(JSON.parse(unsigned.body).error, 'YSS_SYNC_UNSIGNED');
  } finally {
    await s.close();
  }
});

test('the file adapter writes one file per venue and day, atomically, and a resend adds nothing', async () => {
  const dir = tempDir('yss-police-files-');
  try {
    const g = new FileBatchGateway(dir);
    const doc = (id: string, at: string, venue = 'hotel') => ({ format: 'yss-police-report/1' as const, id, kind: 'check_in' as const, venue, terminal_id: 't-1', at, deadline: at, stay: { id: 1, room: '301', arrival: null, departure: null, head_count: 1 }, guest: { id: 1, main: true, category: 'domestic', doc_no: RIC } });
    assert.deepEqual(await g.send(doc('t-1/2', '2027-01-15T03:00:00.000Z')), { outcome: 'accepted', duplicate: false });
    assert.deepEqual(await g.send(doc('t-1/4', '2027-01-15T15:59:00.000Z')), { outcome: 'accepted', duplicate: false });
    assert.deepEqual(await g.send(doc('t-1/4', '2027-01-15T15:59:00.000Z')), { outcome: 'accepted', duplicate: true });
    assert.deepEqual(await g.send(doc('t-1/6', '2027-01-15T16:00:00.000Z')), { outcome: 'accepted', duplicate: false }, 'midnight in China starts the next file');
    assert.deepEqual(await g.send(doc('t-2/2', '2027-01-15T03:00:00.000Z', 'homestay')), { outcome: 'accepted', duplicate: false });
    assert.equal((await g.send(doc('t-2/3', '2027-01-15T03:00:00.000Z', '../etc'))).outcome, 'rejected');
    assert.deepEqual(readdirSync(join(dir, 'hotel')).sort(), ['2027-01-15.json', '2027-01-16.json'], 'no temporary file left');
    const day = JSON.parse(readFileSync(g.fileOf('hotel', '2027-01-15'), 'utf8')) as Batch;
    assert.deepEqual([day.format, day.venue, day.day, day.reports.map((r) => r.id)], ['yss-police-batch/1', 'hotel', '2027-01-15', ['t-1/2', 't-1/4']]);
    assert.ok(existsSync(g.fileOf('homestay', '2027-01-15')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the audit chain reopened after a restart continues where it stopped', () => {
  const dir = tempDir('yss-audit-');
  try {
    const rec = { at: 1, operator: 'police-report', address: 'http', terminal_id: 't-1', seqs: [1], unopened: [], purpose: 'police report t-1/2' };
    const a = new UnsealAudit(dir, 'chain.jsonl');
    a.append(rec);
    a.close();
    const b = new UnsealAudit(dir, 'chain.jsonl');
    b.append({ ...rec, at: 2 });
    b.close();
    const r = verifyAuditChain(dir, 'chain.jsonl');
    assert.ok(r.ok);
    assert.deepEqual(r.records.map((x) => x.at), [1, 2]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
