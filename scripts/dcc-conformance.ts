// `npm run -s dcc-conformance -- <dir>`: the EU DCC test vectors (dgc-testdata layout) against our
// decoder and verifier. One line per mismatch, known issues and skipped flags listed as such,
// and a last line `N passed, N failed`. Exit 0 when nothing failed.
import { existsSync } from 'node:fs';
import { runConformance } from './dcc/runner.ts';

const dir = process.argv[2];
if (!dir || !existsSync(dir)) {
  console.error(`usage: dcc-conformance <dir in dgc-testdata layout>${dir ? ` (${dir} does not exist)` : ''}`);
  process.exit(2);
}
const summary = runConformance(dir);
const skippedBy = new Map<string, number>();
for (const r of summary.results) {
  const exp = `expected ${r.expected}, got ${r.actual}`;
  if (r.status === 'fail') console.log(`FAIL ${r.file} ${r.flag}: ${exp} (${r.detail})`);
  else if (r.status === 'known') console.log(`KNOWN ${r.file} ${r.flag}: ${exp} (${r.detail}; ${r.why})`);
  else if (r.status === 'skipped') skippedBy.set(`${r.flag}: ${r.detail}`, (skippedBy.get(`${r.flag}: ${r.detail}`) ?? 0) + 1);
}
for (const [what, n] of skippedBy) console.log(`SKIPPED ${n} × ${what}`);
console.log(`${summary.files} files, ${summary.known} known issues, ${summary.skipped} flags not run`);
console.log(`${summary.passed} passed, ${summary.failed} failed`);
process.exitCode = summary.failed === 0 ? 0 : 1;
