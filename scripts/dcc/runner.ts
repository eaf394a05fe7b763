// Runs every EXPECTED flag of every case in a dgc-testdata directory against our decoder and
// verifier, separating real mismatches from expectations known to be wrong.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CHECKS, type DccCase } from './checks.ts';
import { findKnown, loadKnown } from './known.ts';

export interface FlagResult {
  file: string;
  flag: string;
  expected: boolean;
  actual: boolean | null;
  detail: string;
  status: 'pass' | 'fail' | 'known' | 'skipped';
  why?: string;
}

export interface RunSummary {
  results: FlagResult[];
  passed: number;
  failed: number;
  known: number;
  skipped: number;
  files: number;
}

/** Flags about generating codes, or about JSON schemas we do not bundle: reported, not run. */
const NOT_RUN: Record<string, string> = {
  VALIDOBJECT: 'generation side',
  ENCODE: 'generation side',
  SCHEMAVALIDATION: 'DCC JSON schemas are not bundled (medical content is out of scope, codes.md §7)',
};

function caseFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'tests' && !name.startsWith('.')) caseFiles(p, out);
    } else if (name.endsWith('.json')) {
      out.push(p);
    }
  }
  return out;
}

export function runConformance(dir: string): RunSummary {
  const known = loadKnown(dir);
  const results: FlagResult[] = [];
  const files = caseFiles(dir);
  for (const path of files) {
    const file = relative(dir, path);
    let c: DccCase;
    try {
      c = JSON.parse(readFileSync(path, 'utf8')) as DccCase;
    } catch (e) {
      results.push({ file, flag: '-', expected: true, actual: null, detail: `not JSON: ${(e as Error).message}`, status: 'skipped' });
      continue;
    }
    const expected = c.EXPECTEDRESULTS;
    if (!expected || typeof expected !== 'object') continue;
    for (const [key, value] of Object.entries(expected)) {
      const flag = key.replace(/^EXPECTED/, '');
      if (typeof value !== 'boolean' || !key.startsWith('EXPECTED')) {
        results.push({ file, flag: key, expected: true, actual: null, detail: `unusable expectation ${key}=${JSON.stringify(value)}`, status: 'skipped' });
        continue;
      }
      const check = CHECKS[flag];
      if (!check) {
        results.push({ file, flag, expected: value, actual: null, detail: NOT_RUN[flag] ?? `unknown flag ${key}`, status: 'skipped' });
        continue;
      }
      const outcome = check(c);
      if (outcome === null) {
        results.push({ file, flag, expected: value, actual: null, detail: 'inputs for this flag are missing', status: 'skipped' });
        continue;
      }
      const agree = outcome.ok === value;
      const k = agree ? undefined : findKnown(known, file, flag);
      results.push({
        file,
        flag,
        expected: value,
        actual: outcome.ok,
        detail: outcome.detail,
        status: agree ? 'pass' : k ? 'known' : 'fail',
        why: k?.why,
      });
    }
  }
  const count = (s: FlagResult['status']) => results.filter((r) => r.status === s).length;
  return { results, passed: count('pass'), failed: count('fail'), known: count('known'), skipped: count('skipped'), files: files.length };
}
