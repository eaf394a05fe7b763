// Stryker test runner `tap-ordered` (stryker.config.mjs): the TAP runner, with the test files a
// mutant runs put in the order most likely to kill it cheaply. Stryker already runs only the test
// files that reach the mutant (per-file coverage from the initial run), and with `forceBail` a
// mutant stops at the first file that fails; but it took them in name order, so a mutant that the
// 2-second unit test of its file kills often waited first for the 18-second property test.
//
// The order: files that killed most mutants of the same source file in this runner so far, then
// the cheapest first (time of each file in the initial run). Only the order changes, never the
// set: a mutant counts as survived only after every file that reaches it passed, as before.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { declareFactoryPlugin, PluginKind, commonTokens, tokens } from '@stryker-mutator/api/plugin';
import { MutantRunStatus } from '@stryker-mutator/api/test-runner';
import { createTapTestRunnerFactory } from '@stryker-mutator/tap-runner';

/** Pure, for the test: `testFiles` ordered by kills of `source`'s mutants (desc), then time (asc). */
export function orderTestFiles(testFiles, timeMs, killsBySource, source) {
  const kills = killsBySource.get(source);
  const k = (f) => kills?.get(f) ?? 0;
  const t = (f) => timeMs.get(f) ?? Number.POSITIVE_INFINITY;
  return [...testFiles].sort((a, b) => k(b) - k(a) || t(a) - t(b) || (a < b ? -1 : a > b ? 1 : 0));
}

// The initial run happens in one worker; the others, and a worker Stryker starts again after a
// timeout, read its times from the sandbox (their working directory once they run tests).
const timesFile = () => join(process.cwd(), '.stryker-test-times.json');

class OrderedTapRunner {
  static inject = tokens(commonTokens.injector);
  #inner;
  /** test file → ms it took in the initial run */
  #timeMs = new Map();
  /** mutated source file → test file → mutants of it that file killed */
  #kills = new Map();

  constructor(injector) {
    this.#inner = createTapTestRunnerFactory()(injector);
  }

  capabilities() {
    return this.#inner.capabilities();
  }

  init() {
    return this.#inner.init();
  }

  dispose() {
    return this.#inner.dispose?.();
  }

  async dryRun(options) {
    const result = await this.#inner.dryRun(options);
    for (const test of result.tests ?? []) this.#timeMs.set(test.id, test.timeSpentMs);
    writeFileSync(timesFile(), JSON.stringify(Object.fromEntries(this.#timeMs)));
    return result;
  }

  async mutantRun(options) {
    const source = options.activeMutant.fileName;
    if (this.#timeMs.size === 0) {
      try {
        this.#timeMs = new Map(Object.entries(JSON.parse(readFileSync(timesFile(), 'utf8'))));
      } catch {
        // No initial run in this sandbox (Stryker always makes one): name order.
      }
    }
    // Each worker learns the kills on its own; in the first mutants of a file the times decide.
    const testFilter = options.testFilter && orderTestFiles(options.testFilter, this.#timeMs, this.#kills, source);
    const result = await this.#inner.mutantRun({ ...options, testFilter });
    if (result.status === MutantRunStatus.Killed) {
      const kills = this.#kills.get(source) ?? new Map();
      for (const test of result.killedBy ?? []) kills.set(test, (kills.get(test) ?? 0) + 1);
      this.#kills.set(source, kills);
    }
    return result;
  }
}

const create = (injector) => injector.injectClass(OrderedTapRunner);
create.inject = tokens(commonTokens.injector);

export const strykerPlugins = [declareFactoryPlugin(PluginKind.TestRunner, 'tap-ordered', create)];
