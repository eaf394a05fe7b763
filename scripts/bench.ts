// `npm run bench`: every `bench/*.bench.ts` of the project, each in its own process (one at a
// time, so they do not share the two cores). `npm run -s bench -- --json` prints one JSON object
// of metric → number; `npm run bench -- <filter>` runs only the benches named so (`ingest`,
// `drain`, `pg-ingest`: the file name before `.bench.ts`) or, for a filter that names none, the
// files whose path contains it. `--cpu-prof[=dir]` writes V8 CPU profiles of each bench process
// and of every service or terminal process it starts to <dir>/<bench>/{bench,service,terminal}/;
// `npx tsx scripts/profile-parts.ts <folder>` sorts them into a request's parts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { CPU_PROF_ENV } from './lib/processes.ts';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
// `--cpu-prof[=dir]`: the bench process and every process it starts (the daemon, the service)
// write V8 CPU profiles into dir (default bench-profiles/), per bench, when they stop.
const profArg = args.find((a) => a === '--cpu-prof' || a.startsWith('--cpu-prof='));
const profileDir = profArg ? resolve(profArg.includes('=') ? profArg.slice('--cpu-prof='.length) : 'bench-profiles') : null;
const filters = args.filter((a) => a !== '--json' && a !== profArg);
const stem = (f: string) => basename(f).replace(/\.bench\.ts$/, '');

function find(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.') || name === 'data') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.bench.ts')) out.push(relative(root, p));
  }
  return out;
}

const all = ['terminal', 'sync-service', 'kiosk-ui', 'scripts'].flatMap((d) => find(join(root, d)));
const names = new Set(all.map(stem));
const files = all.filter((f) => filters.length === 0 || filters.some((x) => (names.has(x) ? stem(f) === x : f.includes(x)))).sort();
if (files.length === 0) {
  console.error(`no bench matches ${filters.join(', ')}; benches: ${[...names].sort().join(', ')}`);
  process.exit(2);
}
const results: Record<string, number> = {};
let failed = 0;
for (const file of files) {
  if (!json) console.error(`bench ${file} …`);
  const script = `const m = await import(${JSON.stringify(join(root, file))}); const r = await m.run(); process.stdout.write('\\n@@RESULT ' + JSON.stringify(r) + '\\n'); process.exit(0);`;
  const prof = profileDir === null ? null : join(profileDir, stem(file));
  if (prof) mkdirSync(prof, { recursive: true });
  const r = spawnSync(process.execPath, [...(prof ? ['--cpu-prof', `--cpu-prof-dir=${join(prof, 'bench')}`] : []), '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    env: prof ? { ...process.env, [CPU_PROF_ENV]: prof } : process.env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
    timeout: 20 * 60_000,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('@@RESULT '));
  if (r.status !== 0 || !line) {
    failed++;
    console.error(`bench ${file} failed (exit ${r.status ?? r.signal})`);
    continue;
  }
  const metrics = JSON.parse(line.slice('@@RESULT '.length)) as Record<string, number>;
  Object.assign(results, metrics);
  if (!json) for (const [k, v] of Object.entries(metrics)) console.log(`${k.padEnd(42)} ${v}`);
}
if (json) console.log(JSON.stringify(results));
if (profileDir) console.error(`CPU profiles in ${profileDir}: npx tsx scripts/profile-parts.ts ${relative(process.cwd(), profileDir) || '.'}/<bench>/service`);
process.exit(failed ? 1 : 0);
