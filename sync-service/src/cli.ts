// `npm run -s sync-service -- serve --config <file>`
import { parseArgs } from 'node:util';
import { createHash, randomBytes } from 'node:crypto';
import { ConfigError, loadServiceConfig } from './config.ts';
import { AlreadyRunningError } from './lock.ts';
import { startServer, StartError } from './server.ts';
import { RetentionError, runRetention } from './storage/retention.ts';

const usage = [
  'usage: sync-service serve --config <file>',
  '       sync-service operator-token   (a new operator token and the token_sha256 for the config)',
  '       sync-service retention --config <file> --keep-months <n> (--dump <dir> | --no-dump) [--dry-run] [--pg-dump <path>]',
].join('\n');
const [command, ...rest] = process.argv.slice(2);
if (command === 'operator-token') {
  const token = randomBytes(32).toString('base64url');
  console.log(JSON.stringify({ token, token_sha256: createHash('sha256').update(token).digest('hex') }));
  process.exit(0);
}
if (command === 'retention') process.exit(await retention(rest));
if (command !== 'serve') {
  console.error(command ? `unknown command "${command}"\n${usage}` : usage);
  process.exit(2);
}
let configFile: string | undefined;
try {
  configFile = parseArgs({ args: rest, options: { config: { type: 'string' } } }).values.config;
} catch (e) {
  console.error(`${(e as Error).message}\n${usage}`);
  process.exit(2);
}
if (!configFile) {
  console.error(`missing --config\n${usage}`);
  process.exit(2);
}
try {
  const server = await startServer(loadServiceConfig(configFile), configFile);
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (e) {
  const known = e instanceof ConfigError || e instanceof AlreadyRunningError || e instanceof StartError;
  console.error(known ? `sync-service: ${e.message}` : `sync-service failed to start: ${(e as Error).message}`);
  process.exit(1);
}

/** The monthly retention job (docs/scale.md "Retention"): one JSON line per month, then a summary line. */
async function retention(args: string[]): Promise<number> {
  let v: { config?: string; 'keep-months'?: string; dump?: string; 'no-dump'?: boolean; 'dry-run'?: boolean; 'pg-dump'?: string };
  try {
    v = parseArgs({ args, options: { config: { type: 'string' }, 'keep-months': { type: 'string' }, dump: { type: 'string' }, 'no-dump': { type: 'boolean' }, 'dry-run': { type: 'boolean' }, 'pg-dump': { type: 'string' } } }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n${usage}`);
    return 2;
  }
  const problem = !v.config
    ? 'missing --config'
    : !v['keep-months'] || !/^\d+$/.test(v['keep-months']) || Number(v['keep-months']) < 1
      ? `--keep-months is ${JSON.stringify(v['keep-months'] ?? null)}, expected a whole number of months, 1 or more (the current month and that many before it stay)`
      : v.dump === undefined && !v['no-dump']
        ? 'say where the dropped months are dumped (--dump <dir>), or --no-dump to drop them without a copy'
        : v.dump !== undefined && v['no-dump']
          ? '--dump and --no-dump together'
          : null;
  if (problem) {
    console.error(`sync-service retention: ${problem}\n${usage}`);
    return 2;
  }
  try {
    const config = loadServiceConfig(v.config!);
    if (config.storage.kind !== 'postgresql') {
      console.error(`sync-service retention: ${v.config} stores events in SQLite; retention drops the monthly partitions of PostgreSQL (storage.kind "postgresql")`);
      return 2;
    }
    const report = await runRetention({ url: config.storage.url, keepMonths: Number(v['keep-months']), dumpDir: v.dump ?? null, dryRun: v['dry-run'] === true, pgDump: v['pg-dump'] });
    for (const m of report.months) console.log(JSON.stringify({ ...m, from: new Date(m.from).toISOString().slice(0, 7), dry_run: v['dry-run'] === true }));
    console.log(JSON.stringify({ before: new Date(report.before).toISOString(), months: report.months.length, dropped: report.months.filter((m) => m.dropped).length, default_rows_before: report.default_rows_before, hall_tickets_swept: report.hall_tickets_swept }));
    return 0;
  } catch (e) {
    console.error(`sync-service retention: ${e instanceof ConfigError || e instanceof RetentionError ? e.message : `failed: ${(e as Error).message}`}`);
    return 1;
  }
}
