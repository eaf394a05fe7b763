// `npx tsx terminal/src/codes/fuzz/cli.ts [seconds] [seed]`: a longer fuzzing run than npm test's.
import { fuzz } from './fuzz.ts';

const seconds = Number(process.argv[2] ?? 30);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
const report = fuzz({ ms: seconds * 1000, seed });
console.log(JSON.stringify({ seed, ...report, failures: report.failures.slice(0, 20) }, null, 2));
process.exitCode = report.failures.length ? 1 : 0;
