// Starts a whole stack, prints the process ids it runs, then dies of an uncaught error without
// stopping anything: what a benchmark failing midway used to leave running for hours. With
// `--wait` it waits instead, to be killed by a signal (a test runner ending a file over its time).
import { Stack } from '../stack.ts';

const stack = await new Stack({ dir: process.argv[2]! }).start();
const pids = [stack.service?.process.pid, stack.terminal?.process.pid, stack.pty?.process.pid];
process.stdout.write(`${JSON.stringify(pids)}\n`);
if (process.argv[3] === '--wait') setInterval(() => undefined, 60_000);
else throw new Error('the benchmark failed midway');
