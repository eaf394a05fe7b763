// Issue 11's "Done when": a library entrance that admits Guangdong (CN-44) personal codes and ID
// cards from 8:00 to 21:00 is fixtures/venues/library.json and nothing else. Shown three ways: the
// shipped file, as is, decided at the edges of its hours by an injected clock; no source file
// names the venue; and the real daemon run from the file takes an ID card and opens the gate.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EventFeed, REPO, Stack, waitFor } from '../../scripts/lib/stack.ts';
import { loadShippedVenue, venueDevices } from '../../scripts/lib/venue-devices.ts';
import { IdCardSim, RelaySim } from '../../scripts/sim/index.ts';
import { verifiedYss } from '../src/codes/test/results.ts';
import type { Reading } from '../src/devices/index.ts';
import { decideVenue, type PolicyLookups } from '../src/venue/index.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const library = loadShippedVenue('library');
const at = (iso: string) => Date.parse(iso) / 1000;
const look = (now: number): PolicyLookups => ({ now, skew: 120, trustAge: 3600, lastSeen: () => null });
const code: Reading = { kind: 'code', text: 'YSS1:…', symbology: null, aim: null };
const card: Reading = {
  kind: 'idcard',
  card: { card_type: 'resident', name: '王小五', id_number: '440106199001011234', id_number_valid: true, address: '广州市天河区某路1号', birth_date: '1990-01-01', sex: 'male', nation: '汉', valid_to: '长期', photo: 'AAAA' },
};
const passport: Reading = {
  kind: 'mrz',
  lines: [],
  fields: { format: 'TD3', document_code: 'P', issuing_state: 'GBR', surname: 'SMITH', given_names: 'JOHN', document_number: '123456789', nationality: 'GBR', birth_date: '1980-02-02', sex: 'male', expiry_date: '2031-01-01', valid: true },
};
const signed = (now: number, type: string, issuer = 'CN-44') => verifiedYss({ type, now, issuer, cti: new Uint8Array(16).fill(3) });

test('the shipped library file admits CN-44 personal codes and ID cards from 08:00 to 21:00 China time, and nothing else', () => {
  const answer = (reading: Reading, iso: string, type = 'personal', issuer = 'CN-44') => {
    const now = at(iso);
    const d = decideVenue(library, reading, reading.kind === 'code' ? signed(now, type, issuer) : null, look(now));
    return d.accepted ? 'accepted' : d.reason;
  };
  // A Sunday and a Wednesday: every day of the week.
  for (const day of ['2026-11-29', '2026-11-25']) {
    assert.equal(answer(code, `${day}T08:00:00+08:00`), 'accepted', `${day} 08:00, personal code`);
    assert.equal(answer(card, `${day}T20:59:59+08:00`), 'accepted', `${day} 20:59, ID card`);
    assert.equal(answer(code, `${day}T07:59:59+08:00`), 'outside_hours', `${day} 07:59`);
    assert.equal(answer(card, `${day}T21:00:00+08:00`), 'outside_hours', `${day} 21:00: "to" is exclusive`);
  }
  assert.equal(answer(code, '2026-11-25T12:00:00+08:00', 'personal', 'CN-11'), 'issuer_not_accepted', 'a Beijing personal code');
  assert.equal(answer(code, '2026-11-25T12:00:00+08:00', 'health'), 'type_not_allowed');
  assert.equal(answer(passport, '2026-11-25T12:00:00+08:00'), 'input_not_accepted', 'no passports at this entrance');
  const d = decideVenue(library, card, null, look(at('2026-11-25T12:00:00+08:00')));
  assert.deepEqual([d.effects, d.personal], [[{ kind: 'gate', relay: 'relay-1', pulse_ms: 500 }], null], 'it pulses its relay and keeps no personal data');
});

test('no source file names the library: it is a venue file, not code', () => {
  const hits: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (!['node_modules', 'dist', 'test', 'bench'].includes(name)) walk(path);
      } else if (/\.(ts|mjs|js|css|html|json)$/.test(name) && !/\.test\.ts$/.test(name) && /["'`]library["'`]/.test(readFileSync(path, 'utf8'))) {
        hits.push(relative(REPO, path));
      }
    }
  };
  for (const dir of ['terminal/src', 'kiosk-ui/web/src', 'kiosk-ui/web/catalog', 'kiosk-ui/electron/src', 'sync-service/src', 'scripts']) walk(join(REPO, dir));
  assert.deepEqual(hits, []);
});

describe('the real daemon run from library.json', () => {
  let dir: string;
  let stack: Stack;
  let feed: EventFeed;
  let idcard: IdCardSim;
  let relay: RelaySim;

  before(async () => {
    dir = tempDir('yss-library-');
    // The daemon judges hours by the real clock; they are widened here, and tested as shipped above.
    const venue = { ...library, hours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }] };
    stack = await new Stack({ dir, venue, devices: venueDevices(library, { statusPollMs: 0 }) }).start();
    feed = await EventFeed.open(stack.kioskUrl);
    idcard = await IdCardSim.open(stack.peers['idcard-1']!);
    relay = await RelaySim.open(stack.peers['relay-1']!);
  });
  after(async () => {
    feed?.close();
    await idcard?.port.close();
    await relay?.port.close();
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('an ID card on the reader opens the gate, and the passage stores no personal data', async () => {
    const before = feed.lastSeq();
    idcard.place({ name: '王小红', sex: '2', nation: '01', birth: '19491231', address: '北京市东城区某街1号', id_number: '11010519491231002X', authority: '北京市公安局东城分局', valid_from: '20200101', valid_to: '20400101' });
    const v = await feed.nextVerdict(before, 15_000);
    assert.deepEqual([v.scenario, v.accepted, v.reason], ['library', true, null]);
    await waitFor(() => relay.events.length >= 2, 5000, 20, 'the relay to close and open');
    assert.deepEqual(relay.events.slice(0, 2).map((e) => e.closed), [true, false]);
    const db = new Database(join(stack.dir, 'terminal-data', 'terminal.db'), { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('SELECT type, body, sealed FROM events WHERE seq = ?').get(v.seq) as { type: string; body: string; sealed: string | null };
      assert.equal(row.type, 'passage');
      assert.equal(row.sealed, null, 'record.fields is empty: nothing sealed');
      assert.doesNotMatch(row.body, /王小红|11010519491231002X|北京市东城区/);
    } finally {
      db.close();
    }
  });
});
