// A hotel front desk, end to end over real serial bytes: a 粤省事 code the guest authorized for
// check-in, a resident ID card on a GA 467 reader, and a passport on an MRZ reader all reach the
// verifier and the scenario; accepted registrations carry the guest's data sealed, and only the
// service can open it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { IdCardSim, MrzSim } from '../../scripts/sim/index.ts';
import { EventFeed, Stack, waitFor } from '../../scripts/lib/stack.ts';
import { closeHotelFront, openHotelFront } from './support/desk.ts';
import { dateIn, passportZone } from './support/documents.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

let dir: string;
let stack: Stack;
let feed: EventFeed;
let idcard: IdCardSim;
let mrz: MrzSim;
const verdicts = () => feed.verdicts();
const next = (after: number) => feed.nextVerdict(after);
const last = () => feed.lastSeq();

const NAME = '王小红';
const ID_NUMBER = '11010519491231002X';

before(async () => {
  dir = tempDir('yss-hotel-');
  ({ stack, idcard, mrz, feed } = await openHotelFront(dir));
});

after(async () => {
  await closeHotelFront(dir, { stack, idcard, mrz, feed });
});

test('a code authorized for hotel check-in registers the guest; one without authorization asks for it', async () => {
  let seq = last();
  stack.scan(mintCode({ keys: stack.keysDir, name: NAME, scope: ['hotel-checkin'], subject: { doc_type: 'CN-RIC', doc_no: ID_NUMBER } }));
  const ok = await next(seq);
  assert.equal(ok.accepted, true);
  assert.equal(ok.display.name_masked, '王*红');
  assert.deepEqual(ok.effects, [{ kind: 'registration' }]);
  seq = ok.seq;
  stack.scan(mintCode({ keys: stack.keysDir, name: NAME }));
  const refused = await next(seq);
  assert.equal(refused.accepted, false);
  assert.equal(refused.reason, 'authorization_required');
});

test('a resident ID card placed on the reader registers the guest', async () => {
  const seq = last();
  idcard.place({ name: NAME, sex: '2', nation: '01', birth: '19491231', address: '北京市东城区', id_number: ID_NUMBER, authority: '北京市公安局', valid_from: '20200101', valid_to: '20400101' });
  const v = await next(seq);
  assert.equal(v.source, 'idcard');
  assert.equal(v.accepted, true);
  assert.equal(v.display.name_masked, '王*红');
});

test('an ID card whose number fails its GB 11643 check digit is refused', async () => {
  const seq = last();
  idcard.place({ name: NAME, id_number: '110105194912310021', valid_to: '20400101' });
  const v = await next(seq);
  assert.equal(v.accepted, false);
  assert.equal(v.reason, 'id_number_invalid');
});

test('a valid passport MRZ registers a foreign guest; an expired one is refused', async () => {
  let seq = last();
  await mrz.send(passportZone(dateIn(5)));
  const v = await next(seq);
  assert.equal(v.source, 'mrz');
  assert.equal(v.accepted, true);
  seq = v.seq;
  await mrz.send(passportZone(dateIn(-5)));
  const expired = await next(seq);
  assert.equal(expired.accepted, false);
  assert.equal(expired.reason, 'document_expired');
});

test('the guest data reaches the service sealed; only the service opens it, and no terminal file holds it in plain text', async () => {
  const terminals = (await stack.admin('GET', '/admin/terminals')) as { terminals: { id: string }[] };
  const id = terminals.terminals[0]!.id;
  const accepted = verdicts().filter((v) => v.accepted).map((v) => v.seq);
  const events = await waitFor(async () => {
    const r = (await stack.admin('GET', `/admin/terminals/${id}/events?after=0&open=1&purpose=hotel-desk+test+checks+the+seal`)) as {
      events: { seq: number; sealed: unknown; personal?: Record<string, unknown> }[];
    };
    return accepted.every((s) => r.events.some((e) => e.seq === s)) ? r.events : undefined;
  });
  const opened = events.filter((e) => accepted.includes(e.seq)).map((e) => e.personal);
  assert.equal(opened.length, 3);
  // Only what fixtures/venues/hotel.json records: name, document type and number, whatever the input.
  assert.deepEqual(opened.filter((p) => p?.doc_no === ID_NUMBER).length, 2, 'the ID card and the code subject opened in the service');
  for (const p of opened) assert.deepEqual(Object.keys(p ?? {}).sort(), ['doc_no', 'doc_type', 'name'], 'no address, birth date or photo kept');
  const plain = await fetch(new URL(`/admin/terminals/${id}/events?after=0`, stack.serviceUrl), { headers: { authorization: `Bearer ${stack.adminToken}` } });
  assert.ok(!(await plain.text()).includes(ID_NUMBER), 'without open=1 the service returns sealed data only');
  const dataDir = join(dir, 'terminal-data');
  for (const f of readdirSync(dataDir)) {
    const bytes = readFileSync(join(dataDir, f));
    assert.ok(!bytes.includes(Buffer.from(ID_NUMBER)), `${f} holds the ID number in plain text`);
    assert.ok(!bytes.includes(Buffer.from(NAME)), `${f} holds the name in plain text`);
    assert.ok(!bytes.includes(Buffer.from(NAME, 'utf16le')), `${f} holds the name in UCS-2`);
  }
});
