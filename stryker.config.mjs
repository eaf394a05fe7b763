// StrykerJS over the verifier (issue 9 §5): `npm run mutation`, outside `npm test` (it runs the
// unit tests of codes/ and trust/ once per mutant, for a long time on two cores). The command
// runner, because node:test has no Stryker plugin; coverage analysis is therefore off. Score and
// the survivors' explanations: docs/verification.md.
import { join } from 'node:path';

// STRYKER_TESTS / STRYKER_MUTATE (space / comma separated) narrow a run, e.g. to one file's mutants.
const tests = process.env.STRYKER_TESTS ?? ['terminal/src/codes/*.test.ts', 'terminal/src/codes/test/*.test.ts', 'terminal/src/trust/*.test.ts'].join(' ');
// The sandbox is a copy of the repository, so ../shared (the DCC vectors) is named absolutely.
const shared = process.env.YSS_SHARED_DIR ?? join(import.meta.dirname, '..', 'shared');

export default {
  testRunner: 'command',
  coverageAnalysis: 'off',
  commandRunner: {
    command: `YSS_SHARED_DIR=${shared} node --import tsx --test --test-concurrency=2 --test-reporter=dot ${tests}`,
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
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  cleanTempDir: 'always',
};
