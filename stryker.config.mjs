// StrykerJS over the verifier (issue 9 §5): `npm run mutation`, outside `npm test`. The TAP runner
// runs each node:test file on its own (node:test prints TAP when its output is not a terminal), so
// coverage is per test file: a mutant runs only the files that reach it, not the whole folder.
// scripts/mutation.ts runs it one source file at a time and keeps each file's result in
// docs/mutation/results.json. Score and the survivors' explanations: docs/verification.md.
import { join } from 'node:path';

// STRYKER_TESTS / STRYKER_MUTATE (space / comma separated) narrow a run, e.g. to one file's mutants.
const tests = process.env.STRYKER_TESTS?.split(' ') ?? ['terminal/src/codes/*.test.ts', 'terminal/src/codes/test/*.test.ts', 'terminal/src/trust/*.test.ts'];
// The sandbox is a copy of the repository, so ../shared (the DCC vectors) is named absolutely.
process.env.YSS_SHARED_DIR ??= join(import.meta.dirname, '..', 'shared');

export default {
  // The TAP runner with a mutant's test files ordered cheapest / most killing first
  // (scripts/mutation-runner.mjs); it reads the `tap` options.
  testRunner: 'tap-ordered',
  plugins: ['@stryker-mutator/tap-runner', join(import.meta.dirname, 'scripts', 'mutation-runner.mjs')],
  coverageAnalysis: 'perTest',
  tap: {
    testFiles: tests,
    // The hook first (Stryker's coverage collector), then tsx for the TypeScript sources.
    nodeArgs: ['-r', '{{hookFile}}', '--import', 'tsx', '{{testFile}}'],
    forceBail: true,
  },
  mutate: process.env.STRYKER_MUTATE?.split(',') ?? [
    'terminal/src/codes/**/*.ts',
    'terminal/src/trust/**/*.ts',
    '!**/*.test.ts',
    '!**/test/**',
    '!**/bench/**',
    '!**/fuzz/**',
    // Issuer side, used by tests to build codes: not part of what a terminal decides.
    '!terminal/src/codes/mint.ts',
  ],
  ignorePatterns: ['kiosk-ui', 'sync-service', 'docs', 'data', 'dist', 'reports', '.stryker-tmp'],
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  // STRYKER_TIMEOUT_MS lowers it for a file whose mutants hang rather than fail (each hang costs this much).
  timeoutMS: Number(process.env.STRYKER_TIMEOUT_MS ?? 10_000),
  // The initial run takes every test file once; on the shared two cores at nice 19 that passed
  // Stryker's default 5 minutes.
  dryRunTimeoutMinutes: 30,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  cleanTempDir: 'always',
};
