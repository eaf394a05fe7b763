// Starts a whole stack, prints the process ids it runs, then dies of an uncaught error without
// stopping anything: what a benchmark failing midway used to leave running for hours.
import { Stack } from '../stack.ts';

const stack = await new Stack({ dir: process.argv[2]! }).start();
const pids = [stack.service?.process.pid, stack.terminal?.process.pid, stack.pty?.process.pid];
process.stdout.write(`${JSON.stringify(pids)}\n`);
throw new Error('the benchmark failed midway');
