import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { whenQuiet } from './timers.ts';

/** A clock and a write stream the test moves by hand; the looks run on real 1 ms timers. */
function world() {
  const w = { clock: 0, lastWrite: 0, runs: 0 };
  const q = whenQuiet(() => w.runs++, { quietMs: () => w.clock - w.lastWrite, pauseMs: 1000, maxDeferMs: 60_000, pollMs: 1, now: () => w.clock });
  return { w, q };
}

test('upkeep asked while nothing is written runs at once', () => {
  const { w, q } = world();
  w.clock = 5000;
  q.ask();
  assert.equal(w.runs, 1);
});

test('upkeep asked during a stream of writes waits for the pause, and asks meanwhile join the one run', async () => {
  const { w, q } = world();
  w.clock = 10_000;
  w.lastWrite = 9_900;
  q.ask();
  q.ask();
  await sleep(20);
  assert.equal(w.runs, 0, 'a write 100 ms ago: not yet');
  w.clock = 10_899;
  await sleep(20);
  assert.equal(w.runs, 0, '999 ms quiet: not yet');
  w.clock = 10_900;
  await sleep(20);
  assert.equal(w.runs, 1, 'the pause came');
  q.ask();
  assert.equal(w.runs, 2, 'a later ask is a new run');
});

test('a stream that never pauses still gets its upkeep once deferred for maxDeferMs', async () => {
  const { w, q } = world();
  q.ask();
  for (const t of [1000, 30_000, 59_999]) {
    w.clock = w.lastWrite = t;
    await sleep(10);
    assert.equal(w.runs, 0, `at ${t} ms`);
  }
  w.clock = w.lastWrite = 60_000;
  await sleep(20);
  assert.equal(w.runs, 1);
});

test('cancel drops a deferred run', async () => {
  const { w, q } = world();
  w.clock = w.lastWrite = 100;
  q.ask();
  q.cancel();
  w.clock = 100_000;
  await sleep(20);
  assert.equal(w.runs, 0);
});
