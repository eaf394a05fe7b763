// `npm run mutation`: StrykerJS over the verifier, with stryker.config.mjs. StrykerJS 10's CLI
// refuses Node < 22 at import time, and this project runs on Node 20 (package.json engines), so
// this starts its engine directly; the engine itself runs on Node 20 (checked by running it).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const engine = join(root, 'node_modules', '@stryker-mutator', 'core', 'dist', 'src', 'stryker.js');
const { Stryker } = (await import(pathToFileURL(engine).href)) as {
  Stryker: new (options: Record<string, unknown>) => { runMutationTest(): Promise<{ status: number }[]> };
};
const results = await new Stryker({ configFile: join(root, 'stryker.config.mjs') }).runMutationTest();
const killed = results.filter((r) => ['Killed', 'Timeout'].includes(String(r.status))).length;
console.log(`mutation score: ${((100 * killed) / Math.max(1, results.length)).toFixed(1)} % (${killed} of ${results.length} killed or timed out)`);
