// A 100,000-entry access list on a real SQLite file: the time to apply it (parse, check every row,
// write it beside the held version in chunks, switch, delete the old) beside bare inserts of the
// same rows in one transaction; a delta of 1,000 holders on it beside bare inserts of its rows;
// and a gate's
// decision with it loaded (verify the code, look the holder up, check anti-passback and capacity)
// beside the verify floor, the bare Ed25519 check of the same code, measured code by code in the
// same run.
import { verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCode, sigStructure, verifyCode } from '../../codes/index.ts';
import { makeWorld, NOW, yssCode } from '../../codes/test/helpers.ts';
import { openDatabase } from '../../db/index.ts';
import { diffFeed, holderOfCode, type AccessRow } from '../../protocol/index.ts';
import { decideVenue, loadVenue, type AccessLookups } from '../../venue/index.ts';
import { PassageStore } from '../passages.ts';
import { FeedStore } from '../store.ts';

const ENTRIES = 100_000;
const CODES = 200;
const SAMPLES = 4000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function run(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'yss-feeds-bench-'));
  try {
    const db = openDatabase(dir);
    const store = new FeedStore(db);
    const passages = new PassageStore(db);
    const subs = Array.from({ length: ENTRIES }, (_, i) => `u-${i}`);
    const rows = subs.map((s, i) => (i % 10 === 0 ? { holder: holderOfCode('CN-44', s), valid_until: '2099-12-31', segments: [{ from: '00:00', to: '24:00' }] } : { holder: holderOfCode('CN-44', s) }));
    const snapshot = (version: number) => JSON.stringify({ format: 'yss-feed/1', venue: 'campus-gate', kind: 'access', version, published_at: 0, salt: 'bench', rows });

    // Apply, alternating with the floor: the same rows, already serialized, inserted bare into a
    // table of the same shape in one transaction.
    db.exec('CREATE TABLE floor_rows (kind TEXT NOT NULL, holder TEXT NOT NULL, row TEXT NOT NULL); CREATE INDEX floor_rows_holder ON floor_rows (kind, holder)');
    const ins = db.prepare('INSERT INTO floor_rows (kind, holder, row) VALUES (?, ?, ?)');
    const floorTx = db.transaction((pre: [string, string][]) => {
      db.exec('DELETE FROM floor_rows');
      for (const [h, r] of pre) ins.run('access', h, r);
    });
    const pre = rows.map((r): [string, string] => [r.holder, JSON.stringify(r)]);
    const applies: number[] = [];
    const applyFloors: number[] = [];
    for (let v = 1; v <= 5; v++) {
      const text = snapshot(v);
      const t0 = performance.now();
      const r = await store.install(text, { venue: 'campus-gate', etag: null, at: NOW * 1000 });
      const t1 = performance.now();
      floorTx(pre);
      const t2 = performance.now();
      if (r.status !== 'installed') throw new Error(`install ${r.status}`);
      applies.push(t1 - t0);
      applyFloors.push(t2 - t1);
    }

    // A delta on the held 100,000-row list: 1,000 holders changed (renewed, removed, added), applied
    // in one transaction, beside the bare insert of the same 1,000 rows in one transaction.
    const deltas: number[] = [];
    const deltaFloors: number[] = [];
    let held: AccessRow[] = rows;
    for (let v = 6; v <= 10; v++) {
      const next: AccessRow[] = held.slice(1000).concat(Array.from({ length: 500 }, (_, i) => ({ holder: holderOfCode('CN-44', `new-${v}-${i}`) })));
      for (let i = 0; i < 500; i++) next[i] = { ...next[i]!, valid_until: `20${50 + v}-12-31` };
      const change = diffFeed(held, next);
      if (!change) throw new Error('delta too large');
      const text = JSON.stringify({ format: 'yss-feed-delta/1', venue: 'campus-gate', kind: 'access', from: v - 1, version: v, published_at: 0, salt: 'bench', rows_total: next.length, ...change });
      const floorRows = change.rows.map((r): [string, string] => [r.holder, JSON.stringify(r)]);
      const t0 = performance.now();
      const r = await store.install(text, { venue: 'campus-gate', etag: null, at: NOW * 1000 });
      const t1 = performance.now();
      floorTx(floorRows);
      const t2 = performance.now();
      if (r.status !== 'installed' || r.via !== 'delta') throw new Error(`delta ${JSON.stringify(r)}`);
      deltas.push(t1 - t0);
      deltaFloors.push(t2 - t1);
      held = next;
    }

    // Decisions: codes of holders on the list (spread over it), verified and decided as the
    // pipeline does, beside the bare signature check of each code.
    const world = makeWorld();
    const venue = { ...loadVenue(join(import.meta.dirname, '..', '..', '..', '..', 'fixtures', 'venues', 'campus-gate.json')), hours: undefined };
    // Holders still on the list after the deltas (the first 5,000 were dropped by them).
    const codes = Array.from({ length: CODES }, (_, i) => yssCode(world, { sub: subs[5000 + ((i * 499) % (ENTRIES - 5000))]! }));
    const framed = codes.map((c) => {
      const d = decodeCode(c);
      if (!d.ok) throw new Error(d.reason);
      return { sig: d.code.cose.signature, data: sigStructure(d.code.cose.protectedBytes, d.code.cose.payload) };
    });
    const key = world.index.keysByKid.get(Buffer.from(world.gd.kid).toString('latin1'))![0]!.key!;
    const access: AccessLookups = {
      feed: (kind) => {
        const m = store.meta(kind);
        return m && { version: m.version, age_s: 0 };
      },
      salt: () => store.salt(),
      rows: (kind, holder) => store.rows(kind, holder),
      admitted: (day, slot) => passages.admitted(day, slot),
      lastPassage: (holder) => passages.lastPassage(holder),
    };
    const decide = (c: string) => {
      const v = verifyCode(c, world.index, { now: NOW });
      return decideVenue(venue, { kind: 'code', text: c, symbology: null, aim: null }, v, { now: NOW, skew: 120, trustAge: 60, lastSeen: () => null, access });
    };
    for (const c of codes) if (!decide(c).accepted) throw new Error(`refused: ${decide(c).reason}`);
    for (const f of framed) if (!verify(null, f.data, key, f.sig)) throw new Error('floor rejects');
    const decisions: number[] = [];
    const floors: number[] = [];
    for (let r = 0; r < SAMPLES; r++) {
      const i = r % CODES;
      const t0 = performance.now();
      decide(codes[i]!);
      const t1 = performance.now();
      verify(null, framed[i]!.data, key, framed[i]!.sig);
      const t2 = performance.now();
      decisions.push((t1 - t0) * 1000);
      floors.push((t2 - t1) * 1000);
    }
    db.close();
    const apply = median(applies);
    const applyFloor = median(applyFloors);
    const decision = median(decisions);
    const floor = median(floors);
    const ms = (xs: number[]) => xs.map((x) => x.toFixed(0)).join('/');
    const delta = median(deltas);
    const deltaFloor = median(deltaFloors);
    console.error(`feeds: apply 100k ${ms(applies)} ms (bare inserts ${ms(applyFloors)} ms); delta of 1,000 holders ${deltas.map((x) => x.toFixed(1)).join('/')} ms (bare inserts ${deltaFloors.map((x) => x.toFixed(1)).join('/')} ms); decision ${decision.toFixed(1)} µs (verify floor ${floor.toFixed(1)} µs)`);
    return {
      feed_apply_100k_ms: Math.round(apply),
      feed_apply_insert_floor_100k_ms: Math.round(applyFloor),
      feed_apply_ratio: Number((apply / applyFloor).toFixed(2)),
      feed_delta_1k_ms: Number(delta.toFixed(1)),
      feed_delta_insert_floor_1k_ms: Number(deltaFloor.toFixed(1)),
      feed_delta_ratio: Number((delta / deltaFloor).toFixed(2)),
      feed_decision_100k_us: Number(decision.toFixed(1)),
      feed_decision_verify_floor_us: Number(floor.toFixed(1)),
      feed_decision_ratio: Number((decision / floor).toFixed(2)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
