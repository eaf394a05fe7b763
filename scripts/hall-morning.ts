// `npm run -s morning`: the simulated morning at a service hall (docs/hall.md, "The morning"):
// two ticket machines, the allocator SIGKILLed mid-morning, two window pages and the display in
// Chromium, a few hundred visitors in a few minutes. Prints the report; `--json` prints it as JSON.
// Options: --visitors N (240), --arrival-ms (1400), --service-ms (1800), --kill-at (half the
// visitors), --down-ms (3000), --seed (13), --screenshots <dir> (docs/screenshots; `none` for none).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO } from './lib/processes.ts';
import { morningLines, runMorning } from './lib/hall-morning.ts';

const { values } = parseArgs({
  options: {
    visitors: { type: 'string', default: '240' },
    'arrival-ms': { type: 'string', default: '1400' },
    'service-ms': { type: 'string', default: '1800' },
    'kill-at': { type: 'string' },
    'down-ms': { type: 'string', default: '3000' },
    seed: { type: 'string', default: '13' },
    screenshots: { type: 'string', default: join(REPO, 'docs', 'screenshots') },
    json: { type: 'boolean', default: false },
  },
});

function int(name: string, v: string | undefined, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} "${v}": expected a whole number from ${min} to ${max}`);
    process.exit(2);
  }
  return n;
}

const visitors = int('visitors', values.visitors, 2, 2000);
const dir = mkdtempSync(join(tmpdir(), 'yss-morning-'));
try {
  const report = await runMorning({
    dir,
    visitors,
    arrivalMs: int('arrival-ms', values['arrival-ms'], 50, 60_000),
    serviceMs: int('service-ms', values['service-ms'], 50, 600_000),
    killAt: int('kill-at', values['kill-at'] ?? String(Math.floor(visitors / 2)), 0, visitors),
    downMs: int('down-ms', values['down-ms'], 0, 600_000),
    seed: int('seed', values.seed, 0, 2 ** 31),
    ...(values.screenshots === 'none' ? {} : { screenshots: values.screenshots }),
    log: (line) => console.error(`morning: ${line}`),
  });
  console.log(values.json ? JSON.stringify(report, null, 2) : morningLines(report).join('\n'));
  if (report.duplicates !== 0 || report.skipped > report.skippedBound || report.leftWaiting !== 0) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
