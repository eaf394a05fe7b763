// Child processes the proofs kill hundreds of times start in ~0.2 s from one esbuild bundle
// instead of ~2 s through tsx. The bundle lives under node_modules/.cache (never committed) so
// that better-sqlite3, kept external for its native binding, still resolves.
import { build } from 'esbuild';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');

export async function bundleEntry(entry: string, name: string): Promise<string> {
  const outfile = join(ROOT, 'node_modules', '.cache', 'yss-tests', `${name}-${process.pid}.mjs`);
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    external: ['better-sqlite3'],
    logLevel: 'error',
    banner: { js: "import { createRequire as __yssRequire } from 'node:module'; const require = __yssRequire(import.meta.url);" },
  });
  return outfile;
}
