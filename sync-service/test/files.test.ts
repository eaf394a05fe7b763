// The service's own files and process, through real service processes: one service per data
// folder, a busy port said clearly, secrets and databases 0600, and damaged files named with a
// remedy, with nothing changed in them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runToExit, startProcess, writeServiceConfig } from './process.ts';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'yss-svc-files-'));
  dirs.push(d);
  return d;
};

test('a second service on the same data folder is refused with the first one\'s pid, before it opens anything', async () => {
  const dir = tempDir();
  const first = await startProcess({ dir });
  try {
    const data = join(dir, 'data');
    const before = readdirSync(data).sort().map((f) => [f, statSync(join(data, f)).mtimeMs]);
    // Another port, the same data: only the folder is shared.
    const second = await runToExit(['serve', '--config', writeServiceConfig(mkdtempSync(join(dir, 'second-')), { dataDir: data })]);
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`already running \\(pid ${first.child.process.pid}\\)`));
    assert.deepEqual(readdirSync(data).sort().map((f) => [f, statSync(join(data, f)).mtimeMs]), before, 'the second start touched nothing in the folder');
    assert.equal((await fetch(new URL('/v1/time', first.url))).status, 200, 'the first keeps serving');
  } finally {
    await first.stop();
  }
});

test('a lock left by a process that is gone is taken over', async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'data'), { recursive: true });
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  writeFileSync(join(dir, 'data', 'sync-service.lock'), `${gone}\n`);
  const svc = await startProcess({ dir });
  try {
    assert.equal(readFileSync(join(dir, 'data', 'sync-service.lock'), 'utf8').trim(), String(svc.child.process.pid));
  } finally {
    await svc.stop();
  }
});

test('a busy port is said, naming the port, and the data folder is left unlocked', async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const dir = tempDir();
    const r = await runToExit(['serve', '--config', writeServiceConfig(dir, { port })]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
    assert.ok(!readdirSync(join(dir, 'data')).includes('sync-service.lock'));
  } finally {
    blocker.close();
  }
});

test('the data folder is 0700 and every file in it 0600; a config others can read is warned about', async () => {
  const dir = tempDir();
  const lines: string[] = [];
  const svc = await startProcess({ dir, onOutput: (l) => lines.push(l) });
  // A write goes through the WAL, so the -wal and -shm files exist too.
  await svc.admin('POST', '/admin/terminals', { name: 'mode check' });
  const data = join(dir, 'data');
  assert.equal(statSync(data).mode & 0o777, 0o700);
  const files = readdirSync(data);
  for (const f of ['sync-service.db', 'sync-service.db-wal', 'sync-service.db-shm', 'seal-key.json', 'config-key.json', 'unseal-audit.jsonl', 'sync-service.lock']) assert.ok(files.includes(f), f);
  for (const f of files) assert.equal((statSync(join(data, f)).mode & 0o777).toString(8), '600', f);
  assert.ok(!lines.some((l) => l.includes('readable by others')));
  await svc.stop();
  chmodSync(svc.config, 0o644);
  const again = await startProcess({ dir, onOutput: (l) => lines.push(l) });
  await again.stop();
  assert.ok(lines.some((l) => l.includes(`${svc.config} is readable by others`) && l.includes(`chmod 600 ${svc.config}`)));
});

test('a damaged database or seal key is named with a remedy, and left as it was', async () => {
  const dir = tempDir();
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  const junk = Buffer.from('this is not a database, it was overwritten '.repeat(200));
  writeFileSync(join(data, 'sync-service.db'), junk);
  const db = await runToExit(['serve', '--config', writeServiceConfig(dir)]);
  assert.equal(db.code, 1);
  assert.match(db.stderr, new RegExp(`the service database ${join(data, 'sync-service.db').replace(/[.]/g, '\\.')} is corrupt`));
  assert.match(db.stderr, /restore the database from the latest backup; see docs\/security\.md, "Recovery"/);
  assert.deepEqual(readFileSync(join(data, 'sync-service.db')), junk);
  rmSync(join(data, 'sync-service.db'));
  writeFileSync(join(data, 'seal-key.json'), '{"public_key": "trunc');
  const key = await runToExit(['serve', '--config', writeServiceConfig(dir)]);
  assert.equal(key.code, 1);
  assert.match(key.stderr, new RegExp(`the seal key file ${join(data, 'seal-key.json').replace(/[.]/g, '\\.')} is damaged`));
  assert.match(key.stderr, /Do not delete it/);
  assert.equal(readFileSync(join(data, 'seal-key.json'), 'utf8'), '{"public_key": "trunc');
});
