// Bundles the kiosk renderer into kiosk-ui/web/dist/ (served by the daemon at /), the Electron
// main/preload into kiosk-ui/electron/dist/, and the sync service's fleet page into
// sync-service/admin/dist/ (served at /admin/). Runs before every `npm test` and `npm start`, so it
// must stay well under two seconds: one esbuild call per target, tones computed, nothing fetched.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LANGS } from '../kiosk-ui/web/src/i18n.ts';
import { toneWav, TONES } from '../kiosk-ui/web/tones.ts';
import { CLIP_KEYS } from '../kiosk-ui/web/voice/clips.ts';

const root = join(import.meta.dirname, '..');
const web = join(root, 'kiosk-ui', 'web');
const webDist = join(web, 'dist');
const electron = join(root, 'kiosk-ui', 'electron');
const electronDist = join(electron, 'dist');
const admin = join(root, 'sync-service', 'admin');
const adminDist = join(admin, 'dist');
const hallPages = join(root, 'sync-service', 'hall');
const hallDist = join(hallPages, 'dist');

// Each build writes a private folder and swaps it in, so two builds at once (engineers and test
// runs share a working tree) never see each other's half-written output.
function staging(dist: string): string {
  const dir = `${dist}.tmp-${process.pid}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function swapIn(dir: string, dist: string): void {
  const old = `${dist}.old-${process.pid}`;
  for (let attempt = 0; ; attempt++) {
    try {
      if (existsSync(dist)) renameSync(dist, old);
      renameSync(dir, dist);
      break;
    } catch (e) {
      // Another build swapped its folder in between our two renames: move that one aside too.
      if (attempt >= 5) throw e;
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
  }
}

async function staged(dist: string, fill: (out: string) => Promise<void>): Promise<void> {
  const out = staging(dist);
  try {
    await fill(out);
    swapIn(out, dist);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** A page's script and style, bundled for the browsers the kiosk and the fleet page meet. */
function bundlePage(src: string, out: string, extra: { sourcemap?: 'linked' } = {}) {
  return build({
    entryPoints: { app: join(src, 'main.ts'), style: join(src, 'style.css') },
    outdir: out,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110'],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    ...extra,
  });
}

async function buildWeb(out: string): Promise<void> {
  mkdirSync(join(out, 'audio'));
  await bundlePage(join(web, 'src'), out, { sourcemap: 'linked' });
  copyFileSync(join(web, 'index.html'), join(out, 'index.html'));
  // The camera scanner's decoder, served by the daemon: zxing-wasm would fetch it from a CDN.
  copyFileSync(join(root, 'node_modules', 'zxing-wasm', 'dist', 'reader', 'zxing_reader.wasm'), join(out, 'zxing_reader.wasm'));
  // Catalogs are bundled into app.js (no flash of untranslated text); a copy sits beside it for
  // translators and for the staff tooling that reads them.
  mkdirSync(join(out, 'catalog'));
  for (const f of readdirSync(join(web, 'catalog'))) copyFileSync(join(web, 'catalog', f), join(out, 'catalog', f));
  for (const [name, tone] of Object.entries(TONES)) writeFileSync(join(out, 'audio', `${name}.wav`), toneWav(tone));
  for (const lang of LANGS) {
    mkdirSync(join(out, 'audio', 'voice', lang), { recursive: true });
    for (const key of CLIP_KEYS) copyFileSync(join(web, 'voice', lang, `${key}.wav`), join(out, 'audio', 'voice', lang, `${key}.wav`));
  }
}

async function buildElectron(out: string): Promise<void> {
  await build({
    entryPoints: { main: join(electron, 'src', 'main.ts'), preload: join(electron, 'src', 'preload.ts') },
    outdir: out,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: ['node20'],
    external: ['electron'],
    logLevel: 'warning',
  });
  copyFileSync(join(electron, 'out-of-service.html'), join(out, 'out-of-service.html'));
}

/** The sync service's fleet page (served at /admin/). */
async function buildAdmin(out: string): Promise<void> {
  await bundlePage(join(admin, 'src'), out);
  copyFileSync(join(admin, 'index.html'), join(out, 'index.html'));
}

/** The hall's window page and display (served at /hall-window/ and /hall-display/, docs/hall.md). */
async function buildHall(out: string): Promise<void> {
  for (const page of ['window', 'display']) {
    await bundlePage(join(hallPages, page, 'src'), join(out, page));
    copyFileSync(join(hallPages, page, 'index.html'), join(out, page, 'index.html'));
  }
}

const started = performance.now();
await Promise.all([staged(webDist, buildWeb), staged(electronDist, buildElectron), staged(adminDist, buildAdmin), staged(hallDist, buildHall)]);
console.log(`UIs built in ${Math.round(performance.now() - started)} ms`);
