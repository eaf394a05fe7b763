// Fetches Electron's binary where the network allows it. electron >= 45 no longer does this in
// its own install script (it would download on first require, from Node, which we never do), so
// without this step `npm start` would never find a kiosk shell. Failure is expected offline and
// never fails `npm ci`: `npm start` then serves the kiosk page for any browser instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(process.cwd(), 'node_modules', 'electron');
const installer = join(dir, 'install.js');
const pathFile = join(dir, 'path.txt');
if (!existsSync(installer)) process.exit(0);
if (existsSync(pathFile) && existsSync(join(dir, 'dist', readFileSync(pathFile, 'utf8')))) process.exit(0);

const r = spawnSync(process.execPath, [installer], { cwd: dir, stdio: 'pipe', timeout: 180_000, encoding: 'utf8' });
if (r.status === 0 && existsSync(pathFile)) {
  console.log('yss-edge: Electron binary installed; `npm start` will open the kiosk shell.');
} else {
  const lines = (r.error?.message ?? r.stderr ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  const why = lines.find((l) => /error/i.test(l) && !l.startsWith('at ')) ?? lines[0] ?? 'unknown error';
  console.log(`yss-edge: no Electron binary (${why.slice(0, 160)}); \`npm start\` will serve the kiosk page for any browser.`);
}
