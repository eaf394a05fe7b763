// The terminal's durable core as a process the crash proof can SIGKILL: the daemon's Queue,
// Sealer and SyncEngine, committing a registration every few milliseconds and reporting each one
// on stdout only after its transaction committed, the way the daemon pushes a verdict to the
// kiosk. `drain` mode commits nothing and reports when the service has acknowledged everything.
//   node --import tsx crash-terminal.ts '{"dir":…,"url":…,"enrollmentCode":…,"sealKey":…,"mode":"scan"|"drain"}'
import { writeSync } from 'node:fs';
import { startCore } from './harness.ts';

const args = JSON.parse(process.argv[2]!) as { dir: string; url: string; enrollmentCode: string; sealKey: string; mode: 'scan' | 'drain' };
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
