import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, open, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SerialPort } from 'serialport';
import { openPtyPair, type PtyPair } from '../../../../scripts/sim/index.ts';
import { mainThreadReadBinding } from '../serial-read.ts';
import { tempDir, withTimeout } from './helpers.ts';

let dir: string;
let pty: PtyPair;

before(async () => {
  dir = tempDir('yss-serial-read-');
  pty = await openPtyPair(join(dir, 'ttyA'), join(dir, 'ttyB'));
});

after(async () => {
  await pty.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Occupies every thread of libuv's pool (4, UV_THREADPOOL_SIZE unset) with opens of FIFOs no one writes yet; the returned function frees them. */
function blockThreadPool(): () => void {
  const fifos = [0, 1, 2, 3].map((i) => join(dir, `fifo-${i}`));
  for (const f of fifos) execFileSync('mkfifo', [f]);
  for (const f of fifos) open(f, 'r', (err, fd) => (err ? undefined : closeSync(fd)));
  // The write ends are opened by a child process: opening one here would block this thread for
  // as long as its reader had not reached a pool thread yet.
  return () => {
    spawn('sh', ['-c', 'for f; do : > "$f"; done', 'sh', ...fifos], { stdio: 'ignore' });
  };
}

test('a line written into the tty is read while every thread-pool thread is busy, and closing ends a waiting read quietly', async () => {
  const options = { path: pty.device, baudRate: 9600, binding: mainThreadReadBinding };
  const port = new SerialPort(options);
  await withTimeout(new Promise((r) => port.once('open', r)), 5000, 'the port to open');
  const errors: Error[] = [];
  port.on('error', (e) => errors.push(e));
  let got = '';
  const line = new Promise<void>((resolve) =>
    port.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.endsWith('\r')) resolve();
    }),
  );
  const release = blockThreadPool();
  try {
    const peer = openSync(pty.peer, 'w');
    writeSync(peer, 'HC1:6BF+70790T9WJWG.FKY*4GO0.O1CV2 O5 N2FBBRW1*70HS8WY04AC*WIFN0AHCD8KD97TK0F90KECTHGWJC0FDC:5AIA%G7X+AQB9746HS80:54IBQF60R6$A80X6S1BTYACG6M+9XG8KIAWNA91AY%67092L4WJCT3EHS8XJC$+DXJCCWENF6OF63W5NW6WF6%JC QE/IAYJC5LEW34U3ET7DXC9 QE-ED8%E.JCBECB1A-:8$96646AL60A60S6Q$D.UDRYA 96NF6L/5QW6307KQEPD09WEQDD+Q6TW6FA7C466KCN9E%961A6DL6FA7D46JPCT3E5JDLA7$Q6E464W5TG6..DX%DZJC6/DTZ9 QE5$CB$DA/D JC1/D3Z8WED1ECW.CCWE.Y92OAGY8MY9L+9MPCG/D5 C5IA5N9$PC5$CWW5TG6I0A8Q6B46+G65X6I0A3W5.PCV0ARBVKF5C3UY/IJ+KLI5G8Q-ZGL Y5M7\r');
    closeSync(peer);
    await withTimeout(line, 5000, 'the line, with the thread pool blocked');
    assert.ok(got.startsWith('HC1:') && got.endsWith('M7\r'), `read ${got.length} bytes, all of the line`);
  } finally {
    release();
  }
  await new Promise((r) => port.close(r));
  // The read waiting for the next bytes was cut short by close(): no error reaches the port's user.
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(errors, []);
});
