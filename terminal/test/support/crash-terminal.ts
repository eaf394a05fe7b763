// The terminal's durable core as a process the crash proof can SIGKILL: the daemon's Queue,
// Sealer and SyncEngine, committing a registration every few milliseconds and reporting each one
// on stdout only after its transaction committed, the way the daemon pushes a verdict to the
// kiosk. `drain` mode commits nothing and reports when the service has acknowledged everything.
// It touches nothing until a line arrives on stdin: the proof starts the next process while the
// current one runs (node's start and the bundle's load, most of a start), and lets it open the
// queue only once the current one is dead, so exactly one process ever holds the queue.
//   node --import tsx crash-terminal.ts '{"dir":…,"url":…,"enrollmentCode":…,"sealKey":…,"mode":"scan"|"drain"}' <<< go
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeSync } from 'node:fs';
import { startCore } from './harness.ts';

const args = JSON.parse(process.argv[2]!) as { dir: string; url: string; enrollmentCode: string; sealKey: string; mode: 'scan' | 'drain' };
// A process's first core costs most of a start (the SQLite binding, the first statements and key
// operations): one on a throwaway folder beside the queue's (a process killed before its go leaves
// it to the proof's cleanup) while waiting, so that the go opens the queue warm.
const scratch = mkdtempSync(`${args.dir}-warm-`);
const warm = startCore({ dir: scratch, url: args.url, enrollmentCode: 'warm-up', sealKey: Buffer.from(args.sealKey, 'base64url') });
warm.commit({ name: '王五', doc_no: '440101197001010056' });
await warm.close();
rmSync(scratch, { recursive: true, force: true });
// Ready for its go: the proof counts the processes that got there before it needed them.
writeSync(1, 'loaded\n');
await once(process.stdin, 'data');
process.stdin.pause();
const core = startCore({
  dir: args.dir,
  url: args.url,
  enrollmentCode: args.enrollmentCode,
  sealKey: Buffer.from(args.sealKey, 'base64url'),
  sync: { batchMaxEvents: 20, timeoutMs: 1000, backoffMaxMs: 150, intervalMs: 10 },
});
const say = (line: string) => writeSync(1, `${line}\n`);
core.engine.start();
say(`ready ${core.queue.lastSequence}`);

if (args.mode === 'scan') {
  let n = 0;
  const tick = () => {
    const e = core.commit(n++ % 2 === 0 ? { name: '王五', doc_no: '440101197001010056' } : undefined, n % 9 === 0 ? 'device' : 'registration');
    say(`pushed ${e.seq} ${e.hash}`);
    setTimeout(tick, 2);
  };
  tick();
} else {
  const check = () => {
    if (core.queue.ackedThrough === core.queue.lastSequence) say(`drained ${core.queue.lastSequence}`);
    else setTimeout(check, 20);
  };
  check();
}
