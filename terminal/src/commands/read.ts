// `terminal read <scanner|idcard|mrz> <path> [--baud N] [--count N] [--kind K] [--timeout S]`:
// the installer's first test of a new device. Opens it directly and prints one JSON line per
// reading on stdout (status changes go to stderr); exits 0 after --count readings, 1 when
// --timeout seconds pass first, 2 on bad arguments. An ID-card reader in USB mode is named
// `usb:<vid>:<pid>` or `usb:port:<1-1.4>` instead of a path.
import { parseArgs } from 'node:util';
import pino from 'pino';
import { checkDevice } from '../config/index.ts';
import { createDevice, type Reading } from '../devices/index.ts';

const USAGE = 'usage: terminal read <scanner|idcard|mrz> <path | usb:vid:pid | usb:port:1-1.4> [--baud N] [--count N] [--kind serial-scanner|zebra-ssi-scanner|hid-pos-scanner|hid-keyboard-scanner] [--layout us|uk|de|fr] [--timeout S]';

const KINDS: Record<string, string[]> = {
  scanner: ['serial-scanner', 'zebra-ssi-scanner', 'hid-pos-scanner', 'hid-keyboard-scanner'],
  idcard: ['ga467-reader'],
  mrz: ['mrz-reader'],
};

/** The JSON line for a reading: an ID card flat, as the issue shows it; photo bytes never. */
export function readingLine(r: Reading): string {
  if (r.kind === 'idcard') return JSON.stringify(r.card);
  if (r.kind === 'mrz') return JSON.stringify({ kind: 'mrz', lines: r.lines, ...r.fields });
  return JSON.stringify(r);
}

export async function main(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { baud: { type: 'string' }, count: { type: 'string' }, kind: { type: 'string' }, layout: { type: 'string' }, timeout: { type: 'string' } },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const [what, path] = parsed.positionals;
  const v = parsed.values;
  const kinds = what ? KINDS[what] : undefined;
  if (!what || !path || !kinds?.[0] || parsed.positionals.length > 2) {
    console.error(USAGE);
    return 2;
  }
  const kind = v.kind ?? (what === 'scanner' && path.includes('hidraw') ? 'hid-pos-scanner' : kinds[0]);
  if (!kinds.includes(kind)) {
    console.error(`--kind ${kind} cannot read ${what}; expected one of ${kinds.join(', ')}`);
    return 2;
  }
  const usb = /^usb:(?:port:(.+)|([^:]+):([^:]+))$/.exec(path);
  if (usb && what !== 'idcard') {
    console.error(`${what} cannot be read over a USB bulk link; give its device path`);
    return 2;
  }
  const locator = usb ? (usb[1] ? { link: 'usb', usb_port: usb[1] } : { link: 'usb', vid: usb[2], pid: usb[3] }) : { path };
  const config: Record<string, unknown> = { id: `${what}-read`, role: what, kind, ...locator };
  if (v.baud !== undefined) config.baud = Number(v.baud);
  if (v.layout !== undefined) config.layout = v.layout;
  if (what === 'scanner') config.debounce_ms = 0; // the installer wants every scan
  const { device: entry, problems } = checkDevice(config, 'read');
  const count = v.count === undefined ? 0 : Number(v.count);
  const timeout = v.timeout === undefined ? 0 : Number(v.timeout);
  if (!Number.isInteger(count) || count < 0) problems.push(`read.count: expected a whole number, got ${JSON.stringify(v.count)}`);
  if (!Number.isFinite(timeout) || timeout < 0) problems.push(`read.timeout: expected seconds, got ${JSON.stringify(v.timeout)}`);
  if (problems.length || !entry) {
    console.error(problems.join('\n'));
    return 2;
  }
  const log = pino({ level: process.env.YSS_LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const device = createDevice(entry, log);
  let seen = 0;
  return new Promise<number>((resolve) => {
    let timer: NodeJS.Timeout | null = null;
    const finish = (code: number) => {
      if (timer) clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      void device.close().then(() => resolve(code));
    };
    const onSignal = () => finish(0);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    if (timeout > 0) timer = setTimeout(() => {
      console.error(`timed out after ${timeout} s with ${seen} reading(s)`);
      finish(1);
    }, timeout * 1000);
    device.on('status', (h) => console.error(`${h.id}: ${h.state}${h.path ? ` ${h.path}` : ''}${h.detail ? ` (${h.detail})` : ''}`));
    device.on('reading', (r) => {
      process.stdout.write(`${readingLine(r)}\n`);
      if (count > 0 && ++seen >= count) finish(0);
    });
    device.start();
  });
}
