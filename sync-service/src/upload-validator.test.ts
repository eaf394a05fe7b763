// The hand check in front of ajv may only ever vouch for bodies ajv accepts: checked here against
// ajv itself on well-formed batches and on thousands of seeded near misses, and the refusals the
// route words are still ajv's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../scripts/lib/seeded-random.ts';
import { eventHash, GENESIS_HASH, Sealer, type WireEvent } from '../../terminal/src/protocol/index.ts';
import { MAX_EVENT_TIME, uploadBody } from './schemas.ts';
import { isPlainUpload, serviceAjv, uploadValidatorCompiler } from './upload-validator.ts';

const ajvCheck = serviceAjv().compile(uploadBody);
const sealer = new Sealer(Buffer.alloc(32, 7));

function batch(n: number, tombstone = false): { events: WireEvent[] } {
  const events: WireEvent[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const e: Omit<WireEvent, 'hash'> = {
      seq,
      type: seq % 2 ? 'registration' : '登记',
      at: 1_700_000_000_000 + seq,
      trusted_at: 1_700_000_000_000 + seq,
      scenario: seq % 5 ? 'hotel-checkin' : '',
      droppable: seq % 4 === 0,
      body: { accepted: true, effects: [{ kind: 'registration' }] },
      sealed: seq % 3 === 0 ? sealer.seal({ name: '张三' }) : null,
      prev_hash: prev,
      ...(tombstone && seq % 4 === 0 ? { tombstone: 'a'.repeat(64) } : {}),
    };
    prev = eventHash(e);
    events.push({ ...e, hash: prev });
  }
  return { events };
}

/** Values at and beside every limit of the schema, and of the wrong types. */
const ODD: unknown[] = [
  undefined, null, true, false, 0, -0, 1, -1, 0.5, 1e21, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, MAX_EVENT_TIME, MAX_EVENT_TIME + 1,
  '', 'x', 'x'.repeat(64), 'x'.repeat(65), '😀'.repeat(32), '😀'.repeat(33), 'é'.repeat(64), 'A'.repeat(43), 'A'.repeat(42), '-_'.repeat(16), 'A+'.repeat(16),
  'c'.repeat(15), 'c'.repeat(16), '😀'.repeat(8), '😀'.repeat(16), 'c'.repeat(31), 'c'.repeat(32),
  '0'.repeat(64), 'f'.repeat(64), 'F'.repeat(64), 'g'.repeat(64), '0'.repeat(63), '0'.repeat(65), `${'0'.repeat(63)}\n`,
  [], [1], {}, { epk: 'A'.repeat(43), n: 'B'.repeat(32), c: 'c'.repeat(40) }, { epk: 'A'.repeat(43), n: 'B'.repeat(32) },
  { epk: 'A'.repeat(43), n: 'B'.repeat(32), c: 'c'.repeat(40), x: 1 }, JSON.parse('{"__proto__": 1}'),
];
const KEYS = ['seq', 'type', 'at', 'trusted_at', 'scenario', 'droppable', 'body', 'sealed', 'prev_hash', 'hash', 'tombstone', 'extra', '__proto__'];

test('vouches for well-formed batches, with and without tombstones, as ajv does', () => {
  for (const b of [batch(1), batch(250), batch(40, true)]) {
    assert.equal(ajvCheck(b), true);
    assert.equal(isPlainUpload(b), true);
    assert.equal(isPlainUpload(JSON.parse(JSON.stringify(b))), true, 'the parsed text too');
  }
});

test('never vouches for a body ajv refuses: 10,000 seeded near misses', () => {
  const rnd = seededRandom(1515);
  const texts = [JSON.stringify(batch(3)), JSON.stringify(batch(3, true))];
  const tooMany = Array.from({ length: 10_001 }, (_, i) => ({ i }));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  let refused = 0;
  let vouched = 0;
  for (let i = 0; i < 10_000; i++) {
    const body = JSON.parse(texts[rnd() < 0.3 ? 1 : 0]!) as Record<string, unknown> & { events: Record<string, unknown>[] };
    const e = body.events[Math.floor(rnd() * 3)]!;
    let subject: unknown = body;
    for (let m = 1 + Math.floor(rnd() * 2); m > 0; m--) {
      const r = rnd();
      if (r < 0.55) {
        const k = pick(KEYS);
        const v = pick(ODD);
        if (v === undefined) delete e[k];
        else Object.defineProperty(e, k, { value: v, enumerable: true, writable: true, configurable: true });
      } else if (r < 0.75 && e.sealed && typeof e.sealed === 'object') {
        (e.sealed as Record<string, unknown>)[pick(['epk', 'n', 'c', 'x'])] = pick(ODD);
      } else if (r < 0.85) {
        body.events = pick([[], [e], body.events, 'events', null, tooMany]) as never;
      } else if (r < 0.95) {
        Object.defineProperty(body, pick(['events', 'extra', '__proto__']), { value: pick(ODD), enumerable: true, writable: true, configurable: true });
      } else {
        subject = pick(ODD);
      }
    }
    assertSame(subject);
  }
  function assertSame(body: unknown) {
    const ok = ajvCheck(body);
    if (isPlainUpload(body)) {
      vouched++;
      assert.equal(ok, true, `vouched for what ajv refuses: ${JSON.stringify(body).slice(0, 400)} (${JSON.stringify(ajvCheck.errors)})`);
    }
    if (!ok) refused++;
  }
  assert.ok(refused > 5_000 && vouched > 500, `the near misses reach both sides (refused ${refused}, vouched ${vouched})`);
});

test('a body it does not vouch for gets ajv\'s verdict and ajv\'s errors', () => {
  const validate = uploadValidatorCompiler()({ schema: uploadBody, httpPart: 'body' });
  const good = batch(2);
  assert.equal(validate(good), true);
  assert.equal(validate.errors, null);
  const short = { events: [{ ...batch(1).events[0]!, sealed: { epk: 'A'.repeat(43), n: 'B'.repeat(32), c: 'c'.repeat(20) } }] };
  assert.equal(isPlainUpload(short), false, 'a ciphertext counted in code points is left to ajv');
  assert.equal(validate(short), true, 'and ajv accepts it');
  const bad = { events: [{ ...good.events[0]!, seq: 0 }] };
  assert.equal(validate(bad), false);
  assert.equal(ajvCheck(bad), false);
  const errors = validate.errors as { instancePath: string }[] | null | undefined;
  assert.deepEqual(errors, ajvCheck.errors);
  assert.equal(errors?.[0]?.instancePath, '/events/0/seq');
});
