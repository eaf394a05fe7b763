// Anti-rollback across processes (issue 9 §2): a `terminal trust install` from a USB stick and a
// running daemon share one SQLite file; the database, not either process's memory, decides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../db/index.ts';
import { signTrustList, TrustStore } from './index.ts';
import { makeRoot, makeWorld } from '../codes/test/helpers.ts';
import { entryArgs } from '../../../scripts/lib/entry.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

const repo = join(import.meta.dirname, '..', '..', '..');

function relist(w: ReturnType<typeof makeWorld>, sequence: number): string {
  return signTrustList({ ...w.payload, sequence }, { kid: w.root.root.kid, secretKey: w.root.secretKey });
}

/** The real `terminal trust install` command in its own process. */
function trustInstall(dir: string, root: string, jws: string): { status: number | null; out: Record<string, unknown>; stderr: string } {
  const file = join(dir, `list-${Math.random().toString(36).slice(2)}.jws`);
  writeFileSync(file, jws);
  const r = spawnSync(process.execPath, [...entryArgs('terminal/src/cli.ts'), 'trust', 'install', '--data', dir, '--root', root, file], {
    cwd: repo,
    encoding: 'utf8',
  });
  return { status: r.status, out: JSON.parse(r.stdout.trim() || '{}') as Record<string, unknown>, stderr: r.stderr };
}

test('a root whose kid begins with a dash is read as a root, not as an option', () => {
  // base64url kids begin with "-" one time in 64; parseArgs alone refuses `--root -…` as ambiguous.
  const w = makeWorld({ sequence: 1 });
  const dashed = { kid: '-Ab3xYz09_Q', x: w.root.root.x };
  const jws = signTrustList({ ...w.payload, sequence: 2 }, { kid: dashed.kid, secretKey: w.root.secretKey });
  const r = trustInstall(tempDir('yss-rollback-'), `${dashed.kid}:${dashed.x}`, jws);
  assert.deepEqual([r.status, r.out.status, r.out.sequence], [0, 'installed', 2], r.stderr);
});

test('a daemon pulling an older list cannot overwrite a newer one another process installed', () => {
  const w = makeWorld({ sequence: 5 });
  const dir = tempDir('yss-rollback-');
  const db = openDatabase(dir);
  const daemon = TrustStore.open(db, [w.root.root]);
  assert.equal(daemon.install(w.jws).status, 'installed');

  const usb = trustInstall(dir, `${w.root.root.kid}:${w.root.root.x}`, relist(w, 10));
  assert.deepEqual([usb.status, usb.out.status, usb.out.sequence], [0, 'installed', 10]);

  const pulled = daemon.install(relist(w, 8));
  assert.deepEqual([pulled.status, pulled.reason, pulled.sequence], ['refused', 'rollback', 10]);
  const row = db.prepare('SELECT sequence FROM trust_list').get() as { sequence: number };
  assert.equal(row.sequence, 10);
  // Refusing it made the daemon look at the stored list, which it now uses.
  assert.equal(daemon.index?.sequence, 10);
  db.close();
});

test('a running daemon picks up a list installed by another process without a restart', () => {
  const w = makeWorld({ sequence: 1 });
  const dir = tempDir('yss-rollback-');
  const db = openDatabase(dir);
  const daemon = TrustStore.open(db, [w.root.root]);
  daemon.install(w.jws);
  assert.deepEqual(daemon.refresh(), { status: 'unchanged', sequence: 1 });

  assert.equal(trustInstall(dir, `${w.root.root.kid}:${w.root.root.x}`, relist(w, 4)).status, 0);
  assert.equal(daemon.index?.sequence, 1);
  assert.deepEqual(daemon.refresh(), { status: 'loaded', sequence: 4 });
  assert.equal(daemon.index?.sequence, 4);
  assert.deepEqual(daemon.refresh(), { status: 'unchanged', sequence: 4 });

  // A list the daemon's roots do not open is refused with the reason, and still counts for rollback.
  const other = makeRoot();
  const foreign = signTrustList({ ...w.payload, sequence: 9 }, { kid: other.root.kid, secretKey: other.secretKey });
  const usb = trustInstall(dir, `${other.root.kid}:${other.root.x}`, foreign);
  assert.deepEqual([usb.status, usb.out.status], [0, 'installed'], usb.stderr);
  const r = daemon.refresh();
  assert.equal(r.status, 'refused');
  assert.equal(r.sequence, 9);
  assert.match(r.status === 'refused' ? r.message : '', /not pinned/);
  assert.equal(daemon.index?.sequence, 4);
  assert.equal(daemon.install(relist(w, 7)).reason, 'rollback');
  db.close();
});
