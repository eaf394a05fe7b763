// Bundles the kiosk renderer into kiosk-ui/web/dist/ (served by the daemon at /) and the Electron
// main/preload into kiosk-ui/electron/dist/. Runs before every `npm test` and `npm start`, so it
// must stay well under two seconds: one esbuild call per target, tones computed, nothing fetched.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toneWav, TONES } from '../kiosk-ui/web/tones.ts';

const root = join(import.meta.dirname, '..');
const web = join(root, 'kiosk-ui', 'web');
const webDist = join(web, 'dist');
const electron = join(root, 'kiosk-ui', 'electron');
const electronDist = join(electron, 'dist');

async function buildWeb(): Promise<void> {
  rmSync(webDist, { recursive: true, force: true });
  mkdirSync(join(webDist, 'audio'), { recursive: true });
  await build({
    entryPoints: { app: join(web, 'src', 'main.ts'), style: join(web, 'src', 'style.css') },
    outdir: webDist,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  });
  copyFileSync(join(web, 'index.html'), join(webDist, 'index.html'));
  // Catalogs are bundled into app.js (no flash of untranslated text); a copy sits beside it for
  // translators and for the staff tooling that reads them.
  mkdirSync(join(webDist, 'catalog'));
  for (const f of readdirSync(join(web, 'catalog'))) copyFileSync(join(web, 'catalog', f), join(webDist, 'catalog', f));
  for (const [name, tone] of Object.entries(TONES)) writeFileSync(join(webDist, 'audio', `${name}.wav`), toneWav(tone));
}

async function buildElectron(): Promise<void> {
  rmSync(electronDist, { recursive: true, force: true });
  await build({
    entryPoints: { main: join(electron, 'src', 'main.ts'), preload: join(electron, 'src', 'preload.ts') },
    outdir: electronDist,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: ['node20'],
    external: ['electron'],
    logLevel: 'warning',
  });
  copyFileSync(join(electron, 'out-of-service.html'), join(electronDist, 'out-of-service.html'));
}

const started = performance.now();
await Promise.all([buildWeb(), buildElectron()]);
console.log(`kiosk UI built in ${Math.round(performance.now() - started)} ms`);
