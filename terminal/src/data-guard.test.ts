import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkChain, ChainLostError, UploadedMarkKeeper } from './data-guard.ts';
import { openDatabase } from './db/index.ts';
import { Queue } from './queue/index.ts';
import { loadOrCreateIdentity, readUploadedMark } from './sync/identity.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const root = tempDir('yss-data-guard-');
after(() => rmSync(root, { recursive: true, force: true }));

function folder(name: string, events: number, type = 'device') {
  const dir = join(root, name);
  const db = openDatabase(dir);
  loadOrCreateIdentity(dir);
  const queue = new Queue(db);
  for (let i = 0; i < events; i++) queue.commit((tx) => tx.append({ type, at: i, trusted_at: i, scenario: 'verify', body: { i }, sealed: null }));
  return { dir, db, queue };
}

test('the keeper records the acknowledged head, and only when it moved', () => {
  const { dir, db, queue } = folder('keeper', 5);
  const keeper = new UploadedMarkKeeper(dir, queue, { everyMs: 10_000 });
  keeper.tick(0);
  assert.equal(readUploadedMark(dir), null, 'nothing acknowledged, nothing recorded');
  queue.ack(3);
  keeper.tick(1);
  assert.deepEqual(readUploadedMark(dir), { seq: 3, hash: queue.after(2, 1)[0]!.hash });
  queue.ack(5);
  keeper.tick(5_000);
  assert.equal(readUploadedMark(dir)!.seq, 3, 'not before everyMs');
  keeper.flush();
  assert.equal(readUploadedMark(dir)!.seq, 5);
  checkChain(dir, queue);
  db.close();
});

test('a database below the mark, or with another event at it, is refused; one that reaches it is not', () => {
  const a = folder('a', 4);
  a.queue.ack(4);
  new UploadedMarkKeeper(a.dir, a.queue).flush();
  a.db.close();
  // Emptied: a new database under the same identity.
  rmSync(join(a.dir, 'terminal.db'));
  const emptied = new Queue(openDatabase(a.dir));
  assert.throws(() => checkChain(a.dir, emptied), (e: Error) => e instanceof ChainLostError && /holds no events, but this terminal already uploaded events up to 4/.test(e.message));
  // Replaced by another chain that is as long: the hash at the mark differs.
  for (let i = 0; i < 4; i++) emptied.commit((tx) => tx.append({ type: 'other', at: i, trusted_at: i, scenario: 'verify', body: { other: i }, sealed: null }));
  assert.throws(() => checkChain(a.dir, emptied), /holds another chain than the one this terminal uploaded \(event 4 differs/);
});
