// `npm run -s sim -- <scanner|ssi|idcard|mrz|printer|relay|sensor|hid-fixtures> [options]`
// Starts a socat pty pair and speaks the device's protocol on one end; point the terminal (or
// `npm run -s terminal -- read ...`) at the other end, printed on start. Ctrl-C stops it.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { openPtyPair, type PtyPair } from '../lib/pty.ts';
import { writeFixtures } from './hid-fixtures.ts';
import { writeSerialFixtures } from './serial-fixtures.ts';
import { writeUsbFixtures } from './usb-fixtures.ts';
import { IdCardSim } from './idcard.ts';
import type { SimCard } from './idcard-data.ts';
import { MrzSim } from './mrz.ts';
import { PrinterSim } from './printer.ts';
import { RelaySim } from './relay.ts';
import { PassSensorSim } from './pass-sensor.ts';
import { ScannerSim } from './scanner.ts';
import { SsiSim } from './ssi.ts';

const USAGE = `usage: npm run -s sim -- <kind> [--device PATH] [--baud N] [options]
  scanner [--aim ]Q1] [--code TEXT --every MS --count N]   each stdin line is scanned; Honeywell SYN T CR sends the next --code
  ssi     [--code TEXT --every MS --count N]              Zebra SSI decode packets; stdin lines too
  idcard  [--card card.json]                              stdin: "place" / "remove"; starts with the card placed
  mrz                                                      stdin: "td3", "td1", or raw MRZ lines (blank line sends)
  printer                                                  prints each ticket received, decoded; stdin: "paper-out", "paper-ok", "offline", "online", "cover-open", "cover-closed"
  sensor                                                   a gate's pass sensor: Enter is someone walking through
  relay                                                    prints every relay change
  hid-fixtures [--check]                                   regenerates fixtures/hid (or checks them)
  serial-fixtures [--check]                                regenerates fixtures/serial (or checks them)
  usb-fixtures [--check]                                   regenerates fixtures/usb (or checks them)
The terminal opens --device (default /tmp/yss-sim/<kind>).`;

const SAMPLE_CARD: SimCard = {
  name: '张三',
  sex: '1',
  nation: '01',
  birth: '19900307',
  address: '广东省广州市越秀区府前路1号',
  id_number: '440106199003071231',
  authority: '广州市公安局越秀分局',
  valid_from: '20200101',
  valid_to: '20400101',
};
const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'] as const;
const TD1 = ['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'] as const;

function lines(onLine: (l: string) => void): void {
  createInterface({ input: process.stdin }).on('line', (l) => onLine(l));
}

function repeat(every: number, count: number, fn: (i: number) => void): void {
  let i = 0;
  const t = setInterval(() => {
    fn(i);
    if (++i >= count) clearInterval(t);
  }, every);
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        device: { type: 'string' },
        baud: { type: 'string' },
        aim: { type: 'string' },
        code: { type: 'string' },
        every: { type: 'string', default: '1000' },
        count: { type: 'string', default: '1' },
        card: { type: 'string' },
        check: { type: 'boolean' },
      },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const [kind] = parsed.positionals;
  const v = parsed.values;
  if (kind === 'hid-fixtures' || kind === 'serial-fixtures' || kind === 'usb-fixtures') {
    const stale = kind === 'hid-fixtures' ? writeFixtures(v.check) : kind === 'serial-fixtures' ? writeSerialFixtures(v.check) : writeUsbFixtures(v.check);
    const dir = `fixtures/${kind.replace('-fixtures', '')}`;
    if (v.check && stale.length) {
      console.error(`stale fixtures: ${stale.join(', ')}; run npm run -s sim -- ${kind}`);
      return 1;
    }
    console.log(v.check ? `${dir} is current` : `wrote ${dir}`);
    return 0;
  }
  if (!kind || !['scanner', 'ssi', 'idcard', 'mrz', 'printer', 'relay', 'sensor'].includes(kind)) {
    console.error(USAGE);
    return 2;
  }
  const device = v.device ?? `/tmp/yss-sim/${kind}`;
  const pty: PtyPair = await openPtyPair(device, `${device}.sim`);
  const baud = v.baud ? Number(v.baud) : undefined;
  const readKind = kind === 'ssi' ? 'scanner' : kind;
  console.error(`${kind} simulator on ${device}` + (['scanner', 'ssi', 'idcard', 'mrz'].includes(kind) ? `  (try: npm run -s terminal -- read ${readKind} ${device}${kind === 'ssi' ? ' --kind zebra-ssi-scanner' : ''})` : ''));
  const stop = () => void pty.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  switch (kind) {
    case 'scanner': {
      const sim = await ScannerSim.open(pty.peer, baud);
      if (v.code) {
        sim.queue(v.code);
        repeat(Number(v.every), Number(v.count), () => void sim.scan(v.code!, { aim: v.aim }));
      }
      lines((l) => l && void sim.scan(l, { aim: v.aim }));
      break;
    }
    case 'ssi': {
      const sim = await SsiSim.open(pty.peer, baud);
      if (v.code) repeat(Number(v.every), Number(v.count), () => void sim.decode(v.code!));
      lines((l) => l && void sim.decode(l));
      break;
    }
    case 'idcard': {
      const sim = await IdCardSim.open(pty.peer, baud);
      const card = v.card ? (JSON.parse(readFileSync(v.card, 'utf8')) as SimCard) : SAMPLE_CARD;
      sim.place(card);
      lines((l) => (l.trim() === 'remove' ? sim.remove() : l.trim() === 'place' ? sim.place(card) : undefined));
      break;
    }
    case 'mrz': {
      const sim = await MrzSim.open(pty.peer, baud);
      let pending: string[] = [];
      lines((l) => {
        const t = l.trim();
        if (t === 'td3') void sim.send(TD3);
        else if (t === 'td1') void sim.send(TD1);
        else if (t === '' && pending.length) {
          void sim.send(pending);
          pending = [];
        } else if (t) pending.push(t);
      });
      break;
    }
    case 'printer': {
      const sim = await PrinterSim.open(pty.peer, baud);
      sim.onTicket((t) => console.log(`----- ticket -----\n${t}\n------------------`));
      lines((l) => {
        const t = l.trim();
        if (t === 'paper-out') sim.paperOut = true;
        if (t === 'paper-ok') sim.paperOut = false;
        if (t === 'offline') sim.offline = true;
        if (t === 'online') sim.offline = false;
        if (t === 'cover-open') sim.coverOpen = true;
        if (t === 'cover-closed') sim.coverOpen = false;
      });
      break;
    }
    case 'sensor': {
      const sim = await PassSensorSim.open(pty.peer, { baud });
      console.error('Enter: someone walks through the gate');
      lines(() => void sim.pass());
      break;
    }
    case 'relay': {
      const sim = await RelaySim.open(pty.peer, baud);
      let seen = 0;
      setInterval(() => {
        for (const e of sim.events.slice(seen)) {
          seen++;
          console.log(`${new Date(e.at).toISOString()} channel ${e.channel} ${e.closed ? 'CLOSED (gate opens)' : 'open'}`);
        }
      }, 50);
      break;
    }
  }
  return new Promise<number>(() => {}); // runs until a signal
}

process.exitCode = await main(process.argv.slice(2));
