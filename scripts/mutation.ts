// `npm run mutation`: StrykerJS over the verifier (issue 9 §5), one source file at a time, with
// stryker.config.mjs. A whole run is hours on two cores, so each file's result is kept in
// docs/mutation/results.json with the hash of the source it was measured on; the next run skips
// files whose source is unchanged and goes on with the rest. `--budget-min N` stops starting new
// files after N minutes; `--files a.ts,b.ts` runs those (even if unchanged); `--report` only prints.
// `--together N` gives N files to each Stryker run: every run starts with one pass of all the test
// files (minutes on a loaded machine), so small files are cheaper together; a file's `minutes` is
// then its share of the run by mutant count, and all of the run's files are kept when it ends.
//
// StrykerJS 10's CLI refuses Node < 22 at import time, and this project runs on Node 20
// (package.json engines), so this starts its engine directly; the engine itself runs on Node 20.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..');
const resultsFile = join(root, 'docs', 'mutation', 'results.json');
const FOLDERS = ['terminal/src/codes', 'terminal/src/trust'];
const SKIP_DIRS = new Set(['test', 'bench', 'fuzz']);
// Issuer side, used by tests to build codes: not part of what a terminal decides.
const SKIP_FILES = new Set(['terminal/src/codes/mint.ts']);

interface Survivor {
  line: number;
  column: number;
  mutator: string;
  original: string;
  replacement: string;
  status: 'Survived' | 'NoCoverage';
}

interface FileResult {
  sha256: string;
  commit: string;
  ran_at: string;
  minutes: number;
  killed: number;
  timeout: number;
  /** Infinite-loop mutants stopped by Stryker's hit limit: detected, like a timeout. */
  runtime_error: number;
  survived: number;
  no_coverage: number;
  survivors: Survivor[];
}

type Results = Record<string, FileResult>;

interface StrykerMutant {
  fileName: string;
  mutatorName: string;
  replacement: string;
  status: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}

function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const rel = `${dir}/${name}`;
      if (statSync(join(root, rel)).isDirectory()) {
        if (!SKIP_DIRS.has(name)) walk(rel);
      } else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !SKIP_FILES.has(rel)) {
        out.push(rel);
      }
    }
  };
  FOLDERS.forEach(walk);
  return out;
}

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(join(root, file))).digest('hex');

function readResults(): Results {
  try {
    return JSON.parse(readFileSync(resultsFile, 'utf8')) as Results;
  } catch {
    return {};
  }
}

/** The text a mutant replaced, on one line (shortened past 80 characters). */
function original(source: string[], m: StrykerMutant): string {
  const { start, end } = m.location;
  const text =
    start.line === end.line
      ? source[start.line - 1]!.slice(start.column - 1, end.column - 1)
      : [source[start.line - 1]!.slice(start.column - 1), ...source.slice(start.line, end.line - 1), source[end.line - 1]!.slice(0, end.column - 1)].join('\n');
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

function summarize(file: string, mutants: StrykerMutant[], minutes: number): FileResult {
  const count = (status: string) => mutants.filter((m) => m.status === status).length;
  const source = readFileSync(join(root, file), 'utf8').split('\n');
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--', file], { cwd: root, encoding: 'utf8' }).trim() !== '';
  return {
    sha256: sha256(file),
    commit: dirty ? `${commit}+changes` : commit,
    ran_at: new Date().toISOString(),
    minutes: Math.round(minutes * 10) / 10,
    killed: count('Killed'),
    timeout: count('Timeout'),
    runtime_error: count('RuntimeError'),
    survived: count('Survived'),
    no_coverage: count('NoCoverage'),
    survivors: mutants
      .filter((m) => m.status === 'Survived' || m.status === 'NoCoverage')
      .map((m) => ({
        line: m.location.start.line,
        column: m.location.start.column,
        mutator: m.mutatorName,
        original: original(source, m),
        replacement: m.replacement.replace(/\s+/g, ' ').slice(0, 80),
        status: m.status as Survivor['status'],
      })),
  };
}

async function runFiles(files: string[]): Promise<StrykerMutant[]> {
  const engine = join(root, 'node_modules', '@stryker-mutator', 'core', 'dist', 'src', 'stryker.js');
  const { Stryker } = (await import(pathToFileURL(engine).href)) as {
    Stryker: new (options: Record<string, unknown>) => { runMutationTest(): Promise<StrykerMutant[]> };
  };
  // The scope goes in as an option: the config file is an ES module, loaded once per process.
  // A file with no mutants (types, re-exports) comes back as an empty list. Positions are 1-based.
  return new Stryker({ configFile: join(root, 'stryker.config.mjs'), mutate: files }).runMutationTest();
}

function printReport(results: Results, files: string[]): void {
  let detected = 0;
  let valid = 0;
  const missing: string[] = [];
  const stale: string[] = [];
  for (const file of files) {
    const r = results[file];
    if (!r) {
      missing.push(file);
      continue;
    }
    if (r.sha256 !== sha256(file)) stale.push(file);
    const d = r.killed + r.timeout + r.runtime_error;
    const v = d + r.survived + r.no_coverage;
    detected += d;
    valid += v;
    console.log(`${file.padEnd(40)} ${v === 0 ? '   -  ' : `${((100 * d) / v).toFixed(1).padStart(5)} %`}  ${String(d).padStart(4)} of ${String(v).padEnd(4)} ${r.survivors.length ? `survivors at lines ${r.survivors.map((s) => s.line).join(', ')}` : ''}`);
  }
  const score = valid ? ((100 * detected) / valid).toFixed(1) : '-';
  console.log(`\nmutation score: ${score} % (${detected} of ${valid} mutants detected) over ${files.length - missing.length} of ${files.length} files`);
  if (stale.length) console.log(`measured on an older source (re-run them): ${stale.join(', ')}`);
  if (missing.length) console.log(`not measured yet: ${missing.join(', ')}`);
}

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { files: { type: 'string' }, 'budget-min': { type: 'string' }, together: { type: 'string' }, report: { type: 'boolean' } },
});
const all = sourceFiles();
const results = readResults();
if (!values.report) {
  // Smallest first: a file's result is kept only once it is finished, so a budget then ends with
  // the most files done.
  const bySize = (a: string, b: string) => statSync(join(root, a)).size - statSync(join(root, b)).size;
  const chosen = values.files?.split(',').map((f) => relative(root, join(root, f))) ?? all.filter((f) => results[f]?.sha256 !== sha256(f)).sort(bySize);
  const unknown = chosen.filter((f) => !all.includes(f));
  if (unknown.length) {
    console.error(`not in the mutation scope (${FOLDERS.join(', ')}): ${unknown.join(', ')}`);
    process.exit(2);
  }
  const budgetMin = values['budget-min'] === undefined ? Infinity : Number(values['budget-min']);
  if (!(budgetMin > 0)) {
    console.error(`--budget-min wants a positive number of minutes, got "${values['budget-min']}"`);
    process.exit(2);
  }
  const together = values.together === undefined ? 1 : Number(values.together);
  if (!Number.isSafeInteger(together) || together < 1) {
    console.error(`--together wants a whole number of files of at least 1, got "${values.together}"`);
    process.exit(2);
  }
  const started = Date.now();
  for (let at = 0; at < chosen.length; at += together) {
    if ((Date.now() - started) / 60_000 >= budgetMin) {
      console.log(`budget of ${budgetMin} min spent; ${chosen.length - at} files left for the next run`);
      break;
    }
    const batch = chosen.slice(at, at + together);
    const t0 = Date.now();
    console.log(`\n== ${batch.join(', ')}`);
    const mutants = await runFiles(batch);
    const minutes = (Date.now() - t0) / 60_000;
    const fileOf = (m: StrykerMutant) => relative(root, resolve(root, m.fileName));
    const stray = mutants.filter((m) => !batch.includes(fileOf(m)));
    if (stray.length) throw new Error(`Stryker reported mutants of ${stray[0]!.fileName}, not one of ${batch.join(', ')}`);
    const of = (file: string) => mutants.filter((m) => fileOf(m) === file);
    // Read again before writing: another run (other files, in parallel) may have kept its results.
    Object.assign(results, readResults());
    for (const file of batch) {
      const own = of(file);
      results[file] = summarize(file, own, batch.length === 1 || mutants.length === 0 ? minutes / batch.length : (minutes * own.length) / mutants.length);
    }
    mkdirSync(join(root, 'docs', 'mutation'), { recursive: true });
    const ordered = Object.fromEntries(Object.entries(results).sort(([a], [b]) => a.localeCompare(b)));
    writeFileSync(resultsFile, `${JSON.stringify(ordered, null, 2)}\n`);
  }
}
printReport(results, all);
