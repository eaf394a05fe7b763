// How tests and scripts start one of the repository's TypeScript programs as a child process.
//
// Through tsx, every start transforms and resolves a few hundred modules through loader hooks:
// about a CPU second more than the same program from one esbuild bundle, and the suite starts
// hundreds of daemons, services and CLIs. So `npm test` bundles the programs its tests start once,
// before the run (`buildEntryBundles`), and names the folder in YSS_ENTRY_BUNDLES; `entryArgs`
// then starts the bundle. Anywhere else (a single test file, a script, a bench) it is tsx, so a
// bundle can never be stale: it lives only as long as the run that built it.
import { build, type Plugin } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const REPO = resolve(import.meta.dirname, '../..');
const ENV = 'YSS_ENTRY_BUNDLES';

/** The programs the tests start as processes, relative to the repository. */
export const BUNDLED_ENTRIES = [
  'terminal/src/cli.ts',
  'sync-service/src/cli.ts',
  'scripts/start.ts',
  'scripts/issuer/cli.ts',
  'scripts/sim/cli.ts',
  'scripts/dcc-conformance.ts',
  // Not a program of its own: the service's writer thread, which the service's bundle starts.
  'sync-service/src/storage/sqlite-writer-thread.ts',
] as const;

function bundleName(entry: string): string {
  return entry.replace(/\.ts$/, '').replaceAll('/', '__');
}

/** The arguments for `node` that run `entry` (a path relative to the repository, or absolute). */
export function entryArgs(entry: string): string[] {
  const bundle = entryBundle(entry);
  return bundle ? [bundle] : ['--import', 'tsx', join(REPO, isAbsolute(entry) ? relative(REPO, entry) : entry)];
}

/** The bundle of `entry` this run built, if it is one of BUNDLED_ENTRIES and the run built them. */
export function entryBundle(entry: string): string | null {
  const rel = isAbsolute(entry) ? relative(REPO, entry) : entry;
  const dir = process.env[ENV];
  if (!dir || !(BUNDLED_ENTRIES as readonly string[]).includes(rel)) return null;
  const bundle = join(dir, `${bundleName(rel)}.mjs`);
  return existsSync(bundle) ? bundle : null;
}

// A bundle runs from another folder than its sources, so whatever a module finds relative to
// itself (the kiosk's web files, the service's pages, fixtures) is resolved from where the
// source file is, as it would be under tsx.
const keepModulePaths: Plugin = {
  name: 'keep-module-paths',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${'/'}node_modules${'/'}`)) return undefined;
      const source = readFileSync(args.path, 'utf8')
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
        .replaceAll('import.meta.filename', JSON.stringify(args.path))
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
      return { contents: source, loader: 'ts' };
    });
  },
};

/**
 * Bundles every entry of BUNDLED_ENTRIES into `outdir` (code shared between them split into
 * chunks, packages left to node_modules) and returns the environment that makes `entryArgs` use
 * them. `outdir` must be inside the repository so that packages resolve.
 */
export async function buildEntryBundles(outdir: string): Promise<Record<string, string>> {
  await build({
    entryPoints: BUNDLED_ENTRIES.map((e) => ({ in: join(REPO, e), out: bundleName(e) })),
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir,
    outExtension: { '.js': '.mjs' },
    packages: 'external',
    plugins: [keepModulePaths],
    // The service's bundle starts its writer thread from the writer's bundle (sync-service/src/storage/sqlite-writer.ts).
    define: { YSS_WRITER_BUNDLE: JSON.stringify(resolve(outdir, `${bundleName('sync-service/src/storage/sqlite-writer-thread.ts')}.mjs`)) },
    logLevel: 'error',
  });
  return { [ENV]: outdir };
}
