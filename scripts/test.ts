// `npm test`: system packages, UI bundle, type-check, lint, then every *.test.ts under node:test.
// `npm test -- <file|dir> ...` runs only those tests (no type-check or lint): the inner loop.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
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
console.log(`\n== tests (${files.length} files)`);
const r = spawnSync(
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
  { cwd: root, stdio: 'inherit', env: { ...process.env, ...bundleEnv, YSS_TEST: '1' } },
);
rmSync(bundles, { recursive: true, force: true });
process.exit(r.status ?? 1);
