// `npm test`: system packages, UI bundle, type-check, lint, then every *.test.ts under node:test.
// `npm test -- <file|dir> ...` runs only those tests (no type-check or lint): the inner loop.
// The tests run with TMPDIR set to a folder of the run's own; what they leave in it fails the run (see below).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, relative } from 'node:path';
import { alive } from '../sync-service/src/lock.ts';
import { buildEntryBundles } from './lib/entry.ts';
import { ensurePackages } from './lib/system-packages.ts';

const root = join(import.meta.dirname, '..');
const roots = ['terminal', 'sync-service', 'kiosk-ui', 'scripts'];

function findTests(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

function step(title: string, cmd: string, args: string[]): void {
  console.log(`\n== ${title}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${title} failed (exit ${r.status ?? r.signal}).`);
    process.exit(1);
  }
}

// The longest test files (the slowest-files report at the end of a run names them) start first:
// the runner takes files in order, three at a time, and a four-minute file started last is run
// alone at the end while the other slots sit idle.
const LONGEST_FIRST = [
  'terminal/test/crash.test.ts',
  'kiosk-ui/web/test/venue-layout-1.test.ts',
  'kiosk-ui/web/test/venue-layout-2.test.ts',
  'sync-service/src/storage/sqlite.test.ts',
  'scripts/dcc/dcc-conformance.test.ts',
  'kiosk-ui/web/test/stack-police.test.ts',
  'terminal/test/venues.test.ts',
  'kiosk-ui/web/test/accessibility.test.ts',
  'terminal/test/data-folder.test.ts',
  'kiosk-ui/web/test/stack-stays.test.ts',
  'terminal/test/hall-morning.test.ts',
];
const firstRank = (file: string) => {
  const i = LONGEST_FIRST.indexOf(file);
  return i === -1 ? LONGEST_FIRST.length : i;
};

const selected = process.argv.slice(2);
const pkgs = ensurePackages((l) => console.log(l));
if (!pkgs.ok) {
  console.error(`Missing Debian packages. Install them with:\n  ${pkgs.command}`);
  process.exit(1);
}

const bin = (name: string) => join(root, 'node_modules', '.bin', name);
step('build kiosk UI', process.execPath, ['--import', 'tsx', 'scripts/build-ui.ts']);
if (selected.length === 0) {
  step('type-check', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
  step('lint', bin('eslint'), ['--max-warnings=0', '.']);
}

const files = (selected.length ? selected.map((s) => join(root, s)) : roots.map((r) => join(root, r)))
  .flatMap((p) => (statSync(p).isDirectory() ? findTests(p) : [p]))
  .map((f) => relative(root, f))
  .sort((a, b) => firstRank(a) - firstRank(b) || (a < b ? -1 : a > b ? 1 : 0));
if (selected.length === 0) for (const f of LONGEST_FIRST) if (!files.includes(f)) console.log(`note: scripts/test.ts starts ${f} first, and it is gone: drop it from LONGEST_FIRST`);
// The daemons, services and CLIs the tests start run from bundles built once here (scripts/lib/entry.ts).
const bundles = join(root, 'node_modules', '.cache', `yss-entries-${process.pid}`);
const bundleEnv = await buildEntryBundles(bundles);
// The tests run with TMPDIR set to a folder of this run's own, and whatever they leave in it is a
// leak: named here (grouped by name prefix), and a failure of the run. Its path stays short: the
// PostgreSQL clusters' and socat's unix sockets live under it, and a socket path is at most 107 bytes.
// tsx keeps its compile cache in <TMPDIR>/tsx-<uid>: a link to the usual one keeps it warm.
const testTmp = join(tmpdir(), `yss-test-${process.pid}`);
const tsxCache = `tsx-${userInfo().uid}`;
// A run stopped by a kill of this process left its folder: gone once its process is.
for (const name of readdirSync(tmpdir())) {
  const pid = /^yss-test-(\d+)$/.exec(name)?.[1];
  if (pid && (Number(pid) === process.pid || !alive(Number(pid)))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
}
mkdirSync(testTmp, { mode: 0o755 }); // PostgreSQL runs as its own user and reaches its folder through this one
mkdirSync(join(tmpdir(), tsxCache), { recursive: true });
symlinkSync(join(tmpdir(), tsxCache), join(testTmp, tsxCache));
console.log(`\n== tests (${files.length} files)`);
// Ctrl-C stops the test processes; this one waits for them and still clears the folder. (It waits
// with its event loop running: tsx, which runs this file, kills a child that does not answer a signal.)
process.on('SIGINT', () => undefined);
const run = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts', 'lib', 'slowest-files.mjs')}`,
    '--test-reporter-destination=stdout',
    '--test-concurrency=3',
    '--test-timeout=600000',
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, ...bundleEnv, YSS_TEST: '1', TMPDIR: testTmp } },
);
const [status] = (await once(run, 'exit')) as [number | null, NodeJS.Signals | null];
rmSync(bundles, { recursive: true, force: true });
const leaks = leftInTmp(testTmp, [tsxCache]);
rmSync(testTmp, { recursive: true, force: true });
if (leaks.length) {
  console.error(`\n== left in TMPDIR: the tests made these under ${testTmp} and did not remove them (now removed)`);
  for (const [prefix, n] of leaks) console.error(`  ${String(n).padStart(5)}  ${prefix}`);
  console.error('A test removes what it makes: scripts/lib/temp-dir.ts (tempDir) makes a folder that goes when the test file ends.');
}
process.exit(status !== 0 ? (status ?? 1) : leaks.length ? 1 : 0);

/**
 * What is in `dir` but `keep`, as [name prefix, count] pairs, most first: a name's mkdtemp suffix
 * (six letters and digits after a `-`, `_` or `.`) becomes `*`, so `yss-clock-Ab3xYz` counts as `yss-clock-*`.
 * Chromium's own `.org.chromium.Chromium.*` files are not counted: it leaves one when it is killed
 * at close, which is not the test's doing (a test that does not close its browser leaves playwright's
 * profile folder, which is counted).
 */
function leftInTmp(dir: string, keep: string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const name of readdirSync(dir)) {
    if (keep.includes(name) || name.startsWith('.org.chromium.Chromium.')) continue;
    const prefix = name.replace(/(?<=[-_.])[A-Za-z0-9]{6}$/, '*');
    counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}
