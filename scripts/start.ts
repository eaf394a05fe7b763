// `npm start`: a demo site on this machine. Sync service, demo issuer keys and trust list, an
// enrolled terminal daemon with a serial scanner simulated on a pty pair, and the kiosk page,
// in Electron where its binary is installed and in any browser otherwise. Data stays in
// data/demo, so the next run starts from it. Ctrl-C stops everything.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { DataFolderBusyError, lockDataDir } from '../terminal/src/data-lock.ts';
import { REPO, Stack } from './lib/stack.ts';

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

const build = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-ui.ts'], { cwd: REPO, stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

if (spawnSync('sh', ['-c', 'command -v socat'], { stdio: 'ignore' }).status !== 0) {
  console.error('The demo simulates a serial scanner with socat, which is not installed: apt-get install socat');
  process.exit(1);
}

const stack = new Stack({
  dir: DATA,
  servicePort: await freePort(7481, 'sync service'),
  kioskPort: await freePort(7480, 'kiosk'),
  onOutput: (source, line) => {
    // Warnings and errors only; the full logs are JSON for machines.
    try {
      const l = JSON.parse(line) as { level?: number; msg?: string };
      if ((l.level ?? 30) >= 40) console.error(`[${source}] ${l.msg ?? line}`);
    } catch {
      if (line.trim()) console.error(`[${source}] ${line}`);
    }
  },
});

let shell: ChildProcess | null = null;
let stopping: Promise<void> | null = null;
// Ctrl-C reaches every process of the group, and tsx relays it too: the second signal must wait
// for the first shutdown, not cut it short.
async function stop(code = 0): Promise<never> {
  stopping ??= (async () => {
    console.log('\nstopping…');
    shell?.kill('SIGTERM');
    await stack.stop();
    console.log('stopped; `npm start` again resumes from the same data.');
  })();
  await stopping;
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  await stack.start();
} catch (e) {
  console.error(`demo failed to start: ${(e as Error).message}`);
  await stop(1);
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
console.log(`scan:  npm run -s issuer -- scan    (mints a fresh personal code and writes it into the simulated scanner)`);
console.log(`staff: PIN ${stack.staffPin}    (made up for this demo; a terminal's PIN is api.staff_pin in its config)`);
console.log(`data:  ${DATA} (delete it to start over)`);
console.log(`ready: kiosk ${stack.kioskUrl} sync-service ${stack.serviceUrl}`);
