// `npm start [-- --venue <name>]`: a demo site on this machine. Sync service, demo issuer keys and
// trust list, an enrolled terminal daemon running the venue (fixtures/venues/<name>.json, default
// desk) with every device it needs simulated on pty pairs, and the kiosk page, in Electron where
// its binary is installed and in any browser otherwise. Data stays in data/demo, so the next run
// starts from it. Ctrl-C stops everything.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { IdCardSim, MrzSim, passportLines, PrinterSim, RelaySim } from './sim/index.ts';
import { DataFolderBusyError, lockDataDir } from '../terminal/src/data-lock.ts';
import { HallMachine } from './lib/hall-machine.ts';
import { startPoliceSim } from './lib/police-sim.ts';
import { REPO, Stack } from './lib/stack.ts';
import { loadShippedVenue, presentLines, venueDevices, VENUES_DIR } from './lib/venue-devices.ts';
import { demoFeedLines, demoFeeds } from './lib/demo-feeds.ts';
import { demoLibraryLines, ilsSwitch, startDemoIls } from './lib/demo-library.ts';
import { demoRoster, demoRosterLines } from './lib/demo-meeting.ts';
import { demoAppointmentLines, demoAppointments } from './lib/demo-appointments.ts';

// YSS_DEMO_DIR puts the demo's data elsewhere (the tests use it to try a second start).
const DATA = process.env.YSS_DEMO_DIR ? resolve(process.env.YSS_DEMO_DIR) : join(REPO, 'data', 'demo');

/** `preferred` if it is free; otherwise says so and lets the system pick a port. */
async function freePort(preferred: number, what: string): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', (e: NodeJS.ErrnoException) => {
      console.error(`port ${preferred} (${what}) is busy (${e.code}): another program holds it; using a free port instead`);
      resolve(0);
    });
    s.listen(preferred, '127.0.0.1', () => s.close(() => resolve(preferred)));
  });
}

// Before anything else: one demo per data folder (a second one would take the first one's
// simulated scanner and terminal identity over).
try {
  lockDataDir(DATA, 'demo.lock', 'the demo data folder');
} catch (e) {
  if (!(e instanceof DataFolderBusyError)) throw e;
  console.error(`npm start: ${e.message}`);
  process.exit(1);
}

function electronBinary(): string | null {
  const dir = join(REPO, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

const venues = readdirSync(VENUES_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
let venueName = 'desk';
try {
  venueName = parseArgs({ options: { venue: { type: 'string' } } }).values.venue ?? 'desk';
} catch (e) {
  console.error(`${(e as Error).message}\nusage: npm start [-- --venue <${venues.join('|')}>]`);
  process.exit(2);
}
if (!venues.includes(venueName)) {
  console.error(`no venue "${venueName}" in fixtures/venues/; the venues are: ${venues.join(', ')}`);
  process.exit(2);
}
let venue;
try {
  venue = loadShippedVenue(venueName);
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}

const build = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-ui.ts'], { cwd: REPO, stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

if (spawnSync('sh', ['-c', 'command -v socat'], { stdio: 'ignore' }).status !== 0) {
  console.error('The demo simulates a serial scanner with socat, which is not installed: apt-get install socat');
  process.exit(1);
}

// A hall whose tickets are numbered by the hall's allocator runs a second ticket machine (docs/hall.md).
const hallNumbered = venue.actions.some((a) => a.do === 'print-ticket' && a.numbers === 'hall');
const secondKioskPort = hallNumbered ? await freePort(7482, 'kiosk of ticket machine 2') : 0;
const onOutput = (source: 'service' | 'terminal', line: string) => {
  // Warnings and errors only; the full logs are JSON for machines.
  try {
    const l = JSON.parse(line) as { level?: number; msg?: string };
    if ((l.level ?? 30) >= 40) console.error(`[${source}] ${l.msg ?? line}`);
  } catch {
    if (line.trim()) console.error(`[${source}] ${line}`);
  }
};
let second: HallMachine | null = null;
// A venue with stays reports its guests: to a simulated police gateway on this machine (docs/police.md).
const police = venue.stay ? await startPoliceSim({ port: await freePort(7482, 'simulated police gateway') }) : null;

const stack = new Stack({
  dir: DATA,
  servicePort: await freePort(7481, 'sync service'),
  kioskPort: await freePort(7480, 'kiosk'),
  venue: venueName,
  devices: venueDevices(venue),
  feeds: { ...demoFeeds(venue), ...demoRoster(venue), ...demoAppointments(venue) },
  onOutput,
  ...(police ? { police: { gateway: { kind: 'http', url: police.reportsUrl } } } : {}),
});

let shell: ChildProcess | null = null;
let stopping: Promise<void> | null = null;
// Ctrl-C reaches every process of the group, and tsx relays it too: the second signal must wait
// for the first shutdown, not cut it short.
async function stop(code = 0): Promise<never> {
  stopping ??= (async () => {
    console.log('\nstopping…');
    shell?.kill('SIGTERM');
    await second?.stop().catch((e: Error) => console.error(`ticket machine 2: ${e.message}`));
    await stack.stop();
    await ils?.close();
    await police?.close();
    console.log('stopped; `npm start` again resumes from the same data.');
  })();
  await stopping;
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

let ils: Awaited<ReturnType<typeof startDemoIls>> = null;
try {
  // A library venue's ILS, when the file puts it on this machine; a taken port leaves it away (loans queue).
  ils = await startDemoIls(venue).catch((e: Error) => (console.error(`library system (SIP2) not started: ${e.message}`), null));
  await stack.start();
  // The demo card's registration needs the venue's salt, made by the first import (docs/feeds.md).
  if (venue.appointments) await stack.importFeed('appointments', demoAppointments(venue, undefined, await stack.venueSalt())!.appointments!);
  if (hallNumbered) second = await HallMachine.add(stack, 2, { kioskPort: secondKioskPort, onOutput });
} catch (e) {
  console.error(`demo failed to start: ${(e as Error).message}`);
  await stop(1);
}

// The simulated devices' other ends: documents are presented by typing here, tickets and relay
// changes are printed here.
const peer = (id: string) => stack.peers[id]!;
const idcard = venue.inputs.idcard ? await IdCardSim.open(peer('idcard-1')) : null;
const idcard2 = venue.inputs.idcard && second ? await IdCardSim.open(second.peers['idcard-1']!) : null;
if (second?.peers['printer-1']) {
  const printer2 = await PrinterSim.open(second.peers['printer-1']);
  printer2.onTicket((text) => console.log(`printer (machine 2): ${text.replace(/\s+/g, ' ').trim()}`));
}
const mrz = venue.inputs.mrz ? await MrzSim.open(peer('mrz-1')) : null;
if (stack.peers['printer-1']) {
  const printer = await PrinterSim.open(peer('printer-1'));
  printer.onTicket((text) => console.log(`printer: ${text.replace(/\s+/g, ' ').trim()}`));
}
for (const id of Object.keys(stack.peers).filter((i) => venueDevices(venue).some((d) => d.id === i && d.role === 'relay'))) {
  const relay = await RelaySim.open(peer(id));
  relay.onEvent = (e) => console.log(`relay:  ${id} ${e.closed ? 'closed (gate opens)' : 'released'}`);
}
if (ils) ilsSwitch(ils);
if (idcard || mrz) {
  createInterface({ input: process.stdin }).on('line', (line) => {
    const l = line.trim();
    // `card2` is a second guest for the same room; `expired` a card past its validity (refused);
    // `card 2` puts the first card on ticket machine 2's reader (a hall runs two machines).
    const cards: Record<string, Record<string, string>> = {
      card: { name: '张三', sex: '1', nation: '01', birth: '19900307', address: '广东省广州市越秀区府前路1号', id_number: '440106199003071231', authority: '广州市公安局越秀分局', valid_from: '20200101', valid_to: '20400101' },
      card2: { name: '李四红', sex: '2', nation: '01', birth: '19900307', address: '广东省广州市越秀区府前路1号', id_number: '110101199003077619', authority: '广州市公安局越秀分局', valid_from: '20200101', valid_to: '20400101' },
      expired: { name: '王小五', sex: '1', nation: '01', birth: '19800101', address: '广东省广州市越秀区府前路1号', id_number: '110101198001010010', authority: '广州市公安局越秀分局', valid_from: '20000101', valid_to: '20200101' },
    };
    const onSecond = l === 'card 2';
    const key = onSecond ? 'card' : l;
    const reader = onSecond ? idcard2 : idcard;
    if (cards[key] && reader) {
      reader.remove();
      reader.place(cards[key] as never);
      console.log(`idcard: ${key === 'expired' ? 'an expired' : 'a'} resident ID card is on the reader${onSecond ? ' of ticket machine 2' : ''}`);
    } else if (l === 'passport' && mrz) {
      void mrz.send(passportLines());
      console.log('mrz:    a passport was swiped');
    } else if (l) console.log(`type ${[idcard && '"card", "card2", "expired"', mrz && '"passport"'].filter(Boolean).join(' or ')}`);
  });
}

const electron = electronBinary();
const mainJs = join(REPO, 'kiosk-ui', 'electron', 'dist', 'main.cjs');
if (electron && existsSync(mainJs)) {
  shell = spawn(electron, [mainJs, `--kiosk-url=${stack.kioskUrl}`], { cwd: REPO, stdio: 'inherit' });
  shell.on('exit', (code) => console.log(`kiosk shell exited (${code ?? 'signal'})`));
  console.log(`kiosk: opened in Electron (${stack.kioskUrl})`);
} else {
  console.log(`kiosk: no Electron binary installed here; open ${stack.kioskUrl} in any browser`);
}
console.log(`venue: ${venue.name} (${venue.title.en}; fixtures/venues/${venue.name}.json). Others: npm start -- --venue <${venues.join('|')}>`);
for (const l of presentLines(venue)) console.log(l);
if (second) {
  const rel = relative(REPO, second.scannerPeer);
  const port = rel.startsWith('..') ? second.scannerPeer : rel;
  console.log(`machine 2: a second ticket machine of the same hall, kiosk ${second.url}; one queue: numbers come from the sync service in blocks (docs/hall.md)`);
  console.log(`scan:   npm run -s issuer -- scan --port ${port}    (a personal code into machine 2's scanner)${idcard2 ? '; type "card 2" for its ID-card reader' : ''}`);
  // The calling side (docs/hall.md): a clerk's window page and the wall display, on the hall's service.
  console.log(`window: ${new URL(`/hall-window/?hall=${venue.name}&window=1`, stack.serviceUrl).href} (a clerk's page; sign in with the operator token below, which has the window role)`);
  console.log(`display: ${new URL(`/hall-display/?hall=${venue.name}`, stack.serviceUrl).href} (the hall's wall screen: calls in large type, spoken where the browser can)`);
}
for (const l of demoFeedLines(venue)) console.log(l);
for (const l of demoLibraryLines(venue, stack.scannerPeer, ils)) console.log(l);
for (const l of demoRosterLines(venue)) console.log(l);
for (const l of demoAppointmentLines(venue)) console.log(l);
console.log(`staff: PIN ${stack.staffPin}    (made up for this demo; a terminal's PIN is api.staff_pin in its config)`);
if (venue.stay) console.log('stays: the staff panel lists the guests today: their deadlines, a passport guest\'s visa and entry, check-out (docs/stays.md)');
if (police) console.log(`police: a simulated police gateway takes the guests' reports at ${police.reportsUrl}; see what it got, or make it reject, stall or go down: curl ${police.controlUrl} (docs/police.md)`);
console.log(`fleet: ${new URL('/admin/', stack.serviceUrl).href} (operator token: admin_token in ${join(DATA, 'stack.json')})`);
console.log(`data:  ${DATA} (delete it to start over)`);
console.log(`ready: kiosk ${stack.kioskUrl} sync-service ${stack.serviceUrl}`);
