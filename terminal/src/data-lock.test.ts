import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DataFolderBusyError, lockDataDir } from './data-lock.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

const dir = tempDir('yss-data-lock-');
after(() => rmSync(dir, { recursive: true, force: true }));

/** /proc/1/stat's start time field, as the lock records it. */
function startOfInit(): number {
  const stat = readFileSync('/proc/1/stat', 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

test('a lock held by a live process is refused with its pid', () => {
  const d = join(dir, 'live');
  lockDataDir(d).release();
  writeFileSync(join(d, 'terminal.lock'), JSON.stringify({ pid: 1, started: startOfInit() }));
  assert.throws(() => lockDataDir(d), (e: Error) => e instanceof DataFolderBusyError && /^already running \(pid 1\): the data folder /.test(e.message));
  assert.equal(JSON.parse(readFileSync(join(d, 'terminal.lock'), 'utf8')).pid, 1, 'the holder\'s lock is left alone');
});

test('a lock whose pid now belongs to a later process is stale, and taken over', () => {
  const d = join(dir, 'reused');
  lockDataDir(d).release();
  writeFileSync(join(d, 'terminal.lock'), JSON.stringify({ pid: 1, started: startOfInit() + 1 }));
  const lock = lockDataDir(d);
  assert.equal(JSON.parse(readFileSync(lock.path, 'utf8')).pid, process.pid);
  lock.release();
  assert.ok(!existsSync(lock.path));
});

test('a lock of a process that is gone, or an unreadable one, is taken over', () => {
  for (const content of [JSON.stringify({ pid: 2 ** 22 + 17, started: 1 }), '', '{"pid":']) {
    const d = join(dir, `gone-${content.length}`);
    lockDataDir(d).release();
    writeFileSync(join(d, 'terminal.lock'), content);
    const lock = lockDataDir(d);
    assert.equal(JSON.parse(readFileSync(lock.path, 'utf8')).pid, process.pid, content);
    lock.release();
  }
});

test('release leaves a lock that is no longer this process\'s', () => {
  const d = join(dir, 'replaced');
  const lock = lockDataDir(d);
  writeFileSync(lock.path, JSON.stringify({ pid: 1, started: startOfInit() }));
  lock.release();
  assert.ok(existsSync(lock.path));
});
