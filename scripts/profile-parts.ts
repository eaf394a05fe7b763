// Where a process's time went, from the V8 CPU profiles `npm run bench -- --cpu-prof[=dir]` writes:
//
//   npx tsx scripts/profile-parts.ts <dir>/ingest/service [--top 20]
//
// Reads every *.cpuprofile in the folder (the main thread's is the biggest of a process; tsx's
// loader thread is skipped as it idles), keeps the samples inside the bench's timed run when the
// bench wrote window.json beside them (the floors and the setup are outside it), and sorts each
// sample into one part of a request's path by its innermost frame that a rule knows. A frame
// that calls into native code (an SQLite statement's run, JSON.parse, an fsync) is charged with
// that native time: the profile has no frame of its own for it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: Frame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The parts, in the order they are tried on each frame from the innermost out. */
export const RULES: { part: string; test(f: Frame): boolean }[] = [
  { part: 'idle (waiting for the network or the other process)', test: (f) => f.functionName === '(idle)' },
  { part: 'garbage collection', test: (f) => f.functionName === '(garbage collector)' },
  { part: 'SQLite BEGIN/COMMIT (the commit is the WAL fsync)', test: (f) => f.url.includes('better-sqlite3/lib/methods/transaction') },
  { part: 'Ed25519 signature verify', test: (f) => f.url.startsWith('node:internal/crypto/sig') || f.url.includes('tweetnacl') },
  { part: 'SHA-256 (body and event hashes)', test: (f) => f.url.startsWith('node:internal/crypto/hash') },
  { part: 'schema validation (ajv)', test: (f) => /^validate\d*$/.test(f.functionName) || f.functionName.startsWith('RegExp: ') || f.url.includes('/ajv') },
  { part: 'body JSON.parse', test: (f) => f.functionName === 'parseSignedBody' },
  { part: 'row JSON (serialize body and sealed)', test: (f) => f.functionName === 'rowJson' },
  { part: 'event hash, chain check (JS)', test: (f) => f.url.includes('protocol/events') || f.url.includes('protocol/hash') },
  { part: "terminal: the queue's ack (a commit, fsync)", test: (f) => f.url.includes('queue/queue') && f.functionName === 'ack' },
  { part: 'terminal: reading the queue (rows to event JSON)', test: (f) => f.url.includes('queue/queue') },
  { part: 'terminal: joining a batch', test: (f) => f.url.includes('sync/uploader') },
  { part: 'hand-over to the writer thread (rows copied)', test: (f) => f.url === 'node:internal/worker' || (f.functionName === 'postMessage' && f.url === '') },
  { part: 'rows prepared for the writer (tickets, resets, police)', test: (f) => f.url.includes('storage/activity') || f.url.includes('storage/police') || f.functionName === 'prepareEvents' },
  { part: 'SQLite statements (insert, head, nonce)', test: (f) => f.url.includes('storage/sqlite') || f.url.includes('better-sqlite3') },
  { part: 'PostgreSQL client and protocol', test: (f) => f.url.includes('storage/pg') || /node_modules\/(pg|pg-protocol|pg-pool|pg-copy-streams)\//.test(f.url) },
  { part: 'reply serialization', test: (f) => f.url.includes('fast-json-stringify') },
  { part: 'logging (pino)', test: (f) => f.url.includes('/pino') || f.url.includes('sonic-boom') },
  { part: 'metrics (prom-client)', test: (f) => f.url.includes('prom-client') },
  { part: 'HTTP parse and write', test: (f) => f.url.startsWith('node:_http') || f.url.includes('undici') || f.url.startsWith('node:http') },
  { part: 'sockets, streams, buffers', test: (f) => /^node:(net|stream|buffer|internal\/(streams|stream_base|net|buffer))/.test(f.url) || f.functionName === 'writev' || f.functionName === 'writeString' },
  { part: 'fastify (routing, hooks)', test: (f) => f.url.includes('fastify') || f.url.includes('avvio') || f.url.includes('find-my-way') },
  { part: 'module loading (start-up)', test: (f) => f.url.startsWith('node:internal/modules') || f.url.includes('tsx') || f.url.includes('esbuild') },
  { part: 'other native (program)', test: (f) => f.functionName === '(program)' },
];

export interface Summary {
  windowMs: number;
  busyMs: number;
  parts: { part: string; ms: number }[];
  top: { frame: string; ms: number }[];
}

/** Sorts `profile`'s samples within [from, to] (µs of the monotonic clock; default all). */
export function summarize(profile: CpuProfile, window?: { start_us: number; end_us: number }, topN = 20): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const partOf = new Map<number, string>();
  const classify = (id: number): string => {
    const known = partOf.get(id);
    if (known) return known;
    let part = 'other JS';
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const rule = RULES.find((r) => r.test(byId.get(at!)!.callFrame));
      if (rule) {
        part = rule.part;
        break;
      }
    }
    partOf.set(id, part);
    return part;
  };
  const parts = new Map<string, number>();
  const self = new Map<string, number>();
  let t = profile.startTime;
  let windowUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const d = profile.timeDeltas[i] ?? 0;
    t += d;
    if (window && (t < window.start_us || t > window.end_us)) continue;
    windowUs += d;
    const id = profile.samples[i]!;
    const part = classify(id);
    parts.set(part, (parts.get(part) ?? 0) + d);
    const f = byId.get(id)!.callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url.replace(/.*node_modules\//, '').replace(/^file:\/\/.*?\/(terminal|sync-service|scripts)\//, '$1/')}:${f.lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + d);
  }
  const ms = (us: number) => Math.round(us / 100) / 10;
  const idle = parts.get(RULES[0]!.part) ?? 0;
  return {
    windowMs: ms(windowUs),
    busyMs: ms(windowUs - idle),
    parts: [...parts].sort((a, b) => b[1] - a[1]).map(([part, us]) => ({ part, ms: ms(us) })),
    top: [...self].sort((a, b) => b[1] - a[1]).slice(0, topN).map(([frame, us]) => ({ frame, ms: ms(us) })),
  };
}

/** The main thread's profile of each process in `dir`: the biggest file per pid. */
export function mainThreadProfiles(dir: string): string[] {
  const byPid = new Map<string, { file: string; size: number }>();
  for (const name of readdirSync(dir)) {
    const m = /^CPU\.\d+\.\d+\.(\d+)\.\d+\.\d+\.cpuprofile$/.exec(name);
    if (!m) continue;
    const file = join(dir, name);
    const size = statSync(file).size;
    const seen = byPid.get(m[1]!);
    if (!seen || size > seen.size) byPid.set(m[1]!, { file, size });
  }
  return [...byPid.values()].map((v) => v.file).sort();
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' }, all: { type: 'boolean' } } });
  const dir = positionals[0];
  if (!dir) {
    console.error('usage: npx tsx scripts/profile-parts.ts <folder of .cpuprofile files> [--top N] [--all (ignore window.json)]');
    process.exit(2);
  }
  let window: { start_us: number; end_us: number } | undefined;
  try {
    if (!values.all) window = JSON.parse(readFileSync(join(dirname(dir), 'window.json'), 'utf8')) as { start_us: number; end_us: number };
  } catch {
    window = undefined;
  }
  const files = mainThreadProfiles(dir);
  if (files.length === 0) {
    console.error(`no CPU.*.cpuprofile in ${dir}`);
    process.exit(1);
  }
  for (const file of files) {
    const s = summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, window, Number(values.top ?? 20));
    console.log(`\n${file}\n${window ? 'timed run only' : 'whole process'}: ${s.windowMs} ms, busy ${s.busyMs} ms\n`);
    console.log('| part | ms | % of busy |\n| --- | ---: | ---: |');
    for (const p of s.parts) console.log(`| ${p.part} | ${p.ms} | ${p.part.startsWith('idle') ? '' : ((p.ms / s.busyMs) * 100).toFixed(1)} |`);
    console.log(`\ntop ${s.top.length} frames by self time:`);
    for (const f of s.top) console.log(`${String(f.ms).padStart(9)} ms  ${f.frame}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
