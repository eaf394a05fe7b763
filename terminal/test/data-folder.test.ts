// Proof, with real daemon processes (and a real sync service for the chain), that the terminal's
// data folder is its own: a second start on it is refused before anything is opened, a lock left
// by a killed daemon is taken over, a busy port is said; the secrets in it are 0600; an emptied
// database is refused at start with the way out, and `terminal reset` is that way out, recorded
// by the service; a damaged database, identity or config is named with a remedy.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { lockDataDir } from '../src/data-lock.ts';
import { DB_FILE } from '../src/db/index.ts';
import { REPO, Stack, waitFor, type Child } from '../../scripts/lib/stack.ts';
import { runTerminal, startDaemon, stopDaemon, writeDaemonConfig } from './support/daemon.ts';
import { entryArgs } from '../../scripts/lib/entry.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

let dir: string;
before(() => {
  dir = tempDir('yss-data-folder-');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const mode = (f: string) => (statSync(f).mode & 0o777).toString(8);

describe('one process per data folder', () => {
  let a: Child | null = null;
  after(async () => stopDaemon(a));

  test('a second `terminal run` on the same folder is refused with the first one\'s pid, and opens nothing', async () => {
    const setup = writeDaemonConfig(join(dir, 'twice'));
    a = await startDaemon(setup);
    const second = await runTerminal(['run', '--config', setup.config]);
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`already running \\(pid ${a.process.pid}\\): the data folder ${setup.dataDir} is in use`));
    // The daemon logs as soon as its database is open ("no sync service configured"): nothing.
    assert.equal(second.stdout, '');
    const health = await fetch(new URL('/api/health', a.url));
    assert.equal(health.status, 200, 'the first daemon carries on');
  });

  test('a lock left by a killed daemon is taken over at the next start', async () => {
    const setup = writeDaemonConfig(join(dir, 'killed'));
    const first = await startDaemon(setup);
    first.process.kill('SIGKILL');
    await first.exited;
    assert.ok(existsSync(join(setup.dataDir, 'terminal.lock')), 'SIGKILL leaves the lock file behind');
    const next = await startDaemon(setup);
    assert.equal(JSON.parse(readFileSync(join(setup.dataDir, 'terminal.lock'), 'utf8')).pid, next.process.pid);
    await stopDaemon(next);
    assert.ok(!existsSync(join(setup.dataDir, 'terminal.lock')), 'a clean stop removes it');
  });

  test('a busy port is said, and the folder is left unlocked', async () => {
    const squatter: Server = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const port = (squatter.address() as { port: number }).port;
    try {
      const setup = writeDaemonConfig(join(dir, 'port'), { api: { host: '127.0.0.1', port } });
      const r = await runTerminal(['run', '--config', setup.config]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`port ${port} on 127.0.0.1 is already in use by another program: stop it, or set api.port`));
      assert.ok(!existsSync(join(setup.dataDir, 'terminal.lock')));
    } finally {
      squatter.close();
    }
  });

  test('a second `npm start` on the demo\'s data is refused before it builds or starts anything', async () => {
    const demo = join(dir, 'demo');
    const held = lockDataDir(demo, 'demo.lock', 'the demo data folder');
    try {
      const child = spawn(process.execPath, [...entryArgs('scripts/start.ts')], { cwd: REPO, env: { ...process.env, YSS_DEMO_DIR: demo }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += String(d)));
      child.stderr.on('data', (d) => (out += String(d)));
      // Without the lock the demo would start and run on: give it a minute, then stop it.
      const timer = setTimeout(() => child.kill('SIGINT'), 60_000);
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      clearTimeout(timer);
      assert.equal(code, 1, out);
      assert.match(out, new RegExp(`npm start: already running \\(pid ${process.pid}\\): the demo data folder ${demo}`));
      assert.doesNotMatch(out, /kiosk UI built|ready:/);
    } finally {
      held.release();
    }
  });
});

test('a config holding an enrollment code that others can read is warned about at start', async () => {
  const setup = writeDaemonConfig(join(dir, 'exposed'), { sync: { url: 'http://127.0.0.1:9', enrollment_code: 'code-for-the-test', seal_key: 'A'.repeat(43) } });
  chmodSync(setup.config, 0o644);
  const lines: string[] = [];
  const d = await startDaemon(setup, (l) => lines.push(l));
  await stopDaemon(d);
  assert.ok(lines.includes(`warning: ${setup.config} holds the enrollment code and is readable by other users (mode 644): chmod 600 ${setup.config}`), lines.join('\n'));
});

describe('damaged files are named, with a remedy', () => {
  test('a malformed database', async () => {
    const setup = writeDaemonConfig(join(dir, 'garbage-db'));
    const d = await startDaemon(setup);
    await stopDaemon(d);
    const db = join(setup.dataDir, DB_FILE);
    const bytes = readFileSync(db);
    bytes.fill(0x5a, 100, Math.min(bytes.length, 8192)); // header kept, pages and schema trampled
    writeFileSync(db, bytes);
    const r = await runTerminal(['run', '--config', setup.config]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`terminal database ${db} is damaged \\(`));
    assert.match(r.stderr, /sqlite3 .*\.recover/);
    assert.match(r.stderr, /terminal reset --config/);
  });

  test('a file that is not a database at all', async () => {
    const setup = writeDaemonConfig(join(dir, 'not-db'));
    const db = join(setup.dataDir, DB_FILE);
    rmSync(setup.dataDir, { recursive: true, force: true });
    const d = await startDaemon(setup);
    await stopDaemon(d);
    writeFileSync(db, 'this is not a database, just text that is long enough to fill a header'.repeat(100));
    const r = await runTerminal(['run', '--config', setup.config]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`terminal database ${db} is damaged \\(file is not a database\\)`));
  });

  test('a config that is not JSON', async () => {
    const setup = writeDaemonConfig(join(dir, 'bad-config'));
    writeFileSync(setup.config, '{ "data_dir": "x", ');
    const r = await runTerminal(['run', '--config', setup.config]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`invalid configuration ${setup.config}:\\n  - not valid JSON: .*; fix it, or put back the copy it was installed from`));
  });
});

describe('with the sync service', () => {
  let stack: Stack;
  let oldId: string;
  before(async () => {
    stack = new Stack({ dir: join(dir, 'stack'), sync: { heartbeat_s: 1 } });
    await stack.start();
    oldId = (await stack.admin('GET', '/admin/terminals')).terminals[0].id;
  });
  after(async () => stack?.stop());

  const data = () => join(stack.dir, 'terminal-data');
  const identity = () => JSON.parse(readFileSync(join(data(), 'identity.json'), 'utf8')) as { terminal_id: string; uploaded?: { seq: number; hash: string } };

  test('the config with the enrollment code, the identity, the databases and the lock are 0600', async () => {
    await waitFor(() => existsSync(join(data(), `${DB_FILE}-wal`)) && existsSync(join(data(), 'identity.json')), 10_000);
    for (const f of [stack.terminalConfig, join(data(), DB_FILE), join(data(), `${DB_FILE}-wal`), join(data(), `${DB_FILE}-shm`), join(data(), 'identity.json'), join(data(), 'terminal.lock')]) {
      assert.equal(mode(f), '600', f);
    }
    assert.equal(mode(data()), '700');
  });

  test('the identity records how far the chain was uploaded', async () => {
    const mark = await waitFor(() => identity().uploaded, 20_000, 100, 'the uploaded mark');
    const head = (await stack.admin('GET', `/admin/terminals/${oldId}`)).head_seq as number;
    assert.ok(mark.seq >= 1 && mark.seq <= head, `mark ${mark.seq}, service head ${head}`);
    assert.match(mark.hash, /^[0-9a-f]{64}$/);
  });

  test('an emptied database is refused at start, saying how far the chain went and how to recover', async () => {
    await stack.stopTerminal();
    const mark = identity().uploaded!;
    truncateSync(join(data(), DB_FILE), 0);
    for (const f of [`${DB_FILE}-wal`, `${DB_FILE}-shm`]) rmSync(join(data(), f), { force: true });
    await assert.rejects(stack.startTerminal(), (e: Error) => {
      assert.match(e.message, new RegExp(`terminal database ${join(data(), DB_FILE)} holds no events, but this terminal already uploaded events up to ${mark.seq}`));
      assert.match(e.message, /terminal reset --config <file> --enrollment-code <code>/);
      return true;
    });
  });

  test('`terminal reset` with a new code starts a new chain, and the service records the reset in its history', async () => {
    const fresh = (await stack.admin('POST', '/admin/terminals', { name: 'demo terminal, reset' })) as { terminal_id: string; enrollment_code: string };
    const r = await runTerminal(['reset', '--config', stack.terminalConfig, '--enrollment-code', fresh.enrollment_code, '--reason', 'database emptied in a test']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`terminal ${fresh.terminal_id} starts a new chain, replacing ${oldId}`));
    assert.equal(identity().terminal_id, fresh.terminal_id);
    await stack.startTerminal();
    const events = await waitFor(async () => {
      const e = (await stack.admin('GET', `/admin/terminals/${fresh.terminal_id}/events?after=0`)).events as { seq: number; type: string; body: Record<string, unknown> }[];
      return e.length ? e : undefined;
    }, 20_000, 100, 'the new chain at the service');
    assert.equal(events[0]!.seq, 1);
    assert.equal(events[0]!.type, 'reset');
    assert.equal(events[0]!.body.replaces, oldId);
    assert.equal(events[0]!.body.reason, 'database emptied in a test');
    assert.ok((events[0]!.body.uploaded_through as number) >= 1);
    const t = await stack.admin('GET', `/admin/terminals/${fresh.terminal_id}`);
    assert.equal(t.status, 'active');
    assert.ok(existsSync(join(data(), String(events[0]!.body.moved_to), 'identity.json')), 'the old identity is kept aside, not deleted');
  });

  test('a damaged identity file is named, with the way out', async () => {
    await stack.stopTerminal();
    writeFileSync(join(data(), 'identity.json'), '{"seed": "tru');
    await assert.rejects(stack.startTerminal(), (e: Error) => {
      assert.match(e.message, new RegExp(`identity file ${join(data(), 'identity.json')} is damaged: it holds this terminal's signing key`));
      assert.match(e.message, /Restore it from a backup/);
      return true;
    });
  });
});
