// `npm run bench`: every `bench/*.bench.ts` of the project, each in its own process (one at a
// time, so they do not share the two cores). `npm run -s bench -- --json` prints one JSON object
// of metric → number; `npm run bench -- <filter>` runs only the files whose path contains it.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
// `--cpu-prof[=dir]`: every process a bench starts (the daemon, the service) writes a V8 CPU
// profile into dir (default bench-profiles/) when it stops; open them in Chrome's DevTools.
const profArg = args.find((a) => a === '--cpu-prof' || a.startsWith('--cpu-prof='));
if (profArg) process.env.YSS_CPU_PROF_DIR = resolve(profArg.includes('=') ? profArg.slice('--cpu-prof='.length) : 'bench-profiles');
const filters = args.filter((a) => a !== '--json' && a !== profArg);

function find(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.') || name === 'data') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.bench.ts')) out.push(relative(root, p));
  }
  return out;
}

const files = ['terminal', 'sync-service', 'kiosk-ui', 'scripts']
  .flatMap((d) => find(join(root, d)))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
const results: Record<string, number> = {};
let failed = 0;
for (const file of files) {
  if (!json) console.error(`bench ${file} …`);
  const script = `const m = await import(${JSON.stringify(join(root, file))}); const r = await m.run(); process.stdout.write('\\n@@RESULT ' + JSON.stringify(r) + '\\n'); process.exit(0);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
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
process.exit(failed ? 1 : 0);
