// The monthly retention job (docs/scale.md "Retention"): the monthly partitions of `events` that
// ended before the months kept are detached, dumped with pg_dump, the dump checked with pg_restore,
// and only then dropped.
//
// First, the hall's person tokens of past days are swept (docs/hall.md, "A token does not outlive
// its day"), as the service does every hour: a month's dump then holds none, even of a ticket the
// service had not swept yet.
//
// Detaching first is what makes the dump whole: an event of that month that arrives late (a
// terminal's offline backlog) can no longer land in the table being dumped; it goes to
// events_default and stays online. A run killed between two steps leaves the month detached, and
// the next run finds it by its name and finishes it.
import { spawn } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { venueDay } from '../venue-time.ts';
import { pgSweepHallTokens } from './pg.ts';
import { LOCK_PARTITIONS, monthStart, partitionName } from './pg-schema.ts';

export interface RetentionOptions {
  url: string;
  /** The current month and this many months before it stay online (1 or more). */
  keepMonths: number;
  /** Where each month's dump goes (`<partition>.dump`, pg_dump's custom format); null: dropped without a dump. */
  dumpDir: string | null;
  /** Lists what would go and changes nothing. */
  dryRun: boolean;
  /** pg_dump to run; pg_restore is taken from the same folder when this is a path. */
  pgDump?: string;
  now?: () => number;
}

export interface RetentionMonth {
  partition: string;
  /** First instant of the month, unix ms. */
  from: number;
  rows: number;
  /** The dump file, once written and checked. */
  dump: string | null;
  dropped: boolean;
}

export interface RetentionReport {
  /** Months starting before this (unix ms) are the ones that go. */
  before: number;
  months: RetentionMonth[];
  /** Rows older than `before` still in events_default (late backlog of months already gone): kept. */
  default_rows_before: number;
  /** Hall tickets of past days whose person token was swept before anything was detached (in a dry run: that would be). */
  hall_tickets_swept: number;
}

/** Tickets swept per transaction by the retention job. */
const SWEEP_BATCH = 500;

export class RetentionError extends Error {}

const PARTITION_NAME = /^events_y(\d{4})m(\d{2})$/;

/** Runs the job: see the file's first comment. Throws RetentionError naming the step and month that failed. */
export async function runRetention(o: RetentionOptions): Promise<RetentionReport> {
  if (!Number.isSafeInteger(o.keepMonths) || o.keepMonths < 1) throw new RetentionError(`keep-months is ${o.keepMonths}, expected a whole number of months, 1 or more`);
  const now = (o.now ?? Date.now)();
  const before = monthStart(now, -o.keepMonths);
  const client = new pg.Client({ connectionString: o.url });
  await client.connect();
  try {
    const swept = await sweepTokens(client, venueDay(now), now, o.dryRun);
    const candidates = await monthsBefore(client, before);
    const months: RetentionMonth[] = [];
    for (const c of candidates) {
      const rows = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${c.name}`)).rows[0]!.n);
      const month: RetentionMonth = { partition: c.name, from: c.from, rows, dump: null, dropped: false };
      months.push(month);
      if (o.dryRun) continue;
      if (c.attached) {
        await client.query('BEGIN');
        try {
          await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_PARTITIONS]);
          await client.query(`ALTER TABLE events DETACH PARTITION ${c.name}`);
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK');
          throw new RetentionError(`detaching ${c.name}: ${(e as Error).message}`);
        }
        // Rows counted before the detach are the ones it holds: no writer reaches it since.
        month.rows = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${c.name}`)).rows[0]!.n);
      }
      if (o.dumpDir) month.dump = await dumpAndCheck(o, c.name);
      await client.query(`DROP TABLE ${c.name}`);
      month.dropped = true;
    }
    const left = await client.query<{ n: string }>('SELECT count(*) AS n FROM events_default WHERE trusted_at < $1', [before]);
    return { before, months, default_rows_before: Number(left.rows[0]!.n), hall_tickets_swept: swept };
  } finally {
    await client.end();
  }
}

/** Sweeps every past day's hall tokens, a bounded transaction at a time; a dry run counts them. */
async function sweepTokens(client: pg.Client, today: string, now: number, dryRun: boolean): Promise<number> {
  try {
    if (dryRun) return Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM hall_tickets WHERE swept_at IS NULL AND day < $1', [today])).rows[0]!.n);
    let swept = 0;
    for (;;) {
      await client.query('BEGIN');
      try {
        const c = await pgSweepHallTokens(client, today, SWEEP_BATCH, now);
        await client.query('COMMIT');
        swept += c.tickets;
        if (c.tickets < SWEEP_BATCH) return swept;
      } catch (e) {
        await client.query('ROLLBACK');
        throw e;
      }
    }
  } catch (e) {
    throw new RetentionError(`sweeping the hall's person tokens of past days, nothing detached: ${(e as Error).message}`);
  }
}

interface Candidate {
  name: string;
  from: number;
  attached: boolean;
}

/** The monthly partitions ending at or before `before`, and month tables an interrupted run left detached. */
async function monthsBefore(client: pg.Client, before: number): Promise<Candidate[]> {
  const attached = (
    await client.query<{ name: string; bound: string }>(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'events' AND c.relname <> 'events_default'`,
    )
  ).rows;
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const r of attached) {
    seen.add(r.name);
    const from = Number(/FROM \('?(-?\d+)'?\)/.exec(r.bound)?.[1]);
    const to = Number(/TO \('?(-?\d+)'?\)/.exec(r.bound)?.[1]);
    if (Number.isFinite(to) && to <= before) out.push({ name: r.name, from, attached: true });
  }
  const tables = (await client.query<{ name: string }>("SELECT relname AS name FROM pg_class WHERE relkind = 'r' AND relname LIKE 'events\\_y%' AND relnamespace = 'public'::regnamespace")).rows;
  for (const t of tables) {
    const m = PARTITION_NAME.exec(t.name);
    if (!m || seen.has(t.name)) continue;
    const from = Date.UTC(Number(m[1]), Number(m[2]) - 1, 1);
    if (partitionName(from) === t.name && monthStart(from, 1) <= before) out.push({ name: t.name, from, attached: false });
  }
  return out.sort((a, b) => a.from - b.from);
}

async function dumpAndCheck(o: RetentionOptions, table: string): Promise<string> {
  const dir = o.dumpDir!;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${table}.dump`);
  const pgDump = o.pgDump ?? 'pg_dump';
  const pgRestore = pgDump.includes('/') ? join(dirname(pgDump), 'pg_restore') : 'pg_restore';
  const dumped = await run(pgDump, ['--format=custom', `--table=public.${table}`, `--file=${file}`], libpqEnv(o.url));
  if (dumped.code !== 0) throw new RetentionError(`pg_dump of ${table} failed (exit ${dumped.code}), nothing dropped: ${dumped.stderr.trim().slice(-500)}`);
  const listed = await run(pgRestore, ['--list', file]);
  if (listed.code !== 0 || !new RegExp(`TABLE DATA public ${table} `).test(listed.stdout)) {
    throw new RetentionError(`the dump ${file} does not list the data of ${table} (pg_restore exit ${listed.code}), nothing dropped: ${listed.stderr.trim().slice(-500)}`);
  }
  if (statSync(file).size === 0) throw new RetentionError(`the dump ${file} is empty, nothing dropped`);
  return file;
}

/** The connection as libpq's environment, so a password never shows in the process list. */
function libpqEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = { ...process.env, PGHOST: decodeURIComponent(u.hostname), PGDATABASE: decodeURIComponent(u.pathname.slice(1)) || 'postgres' };
  if (u.port) env.PGPORT = u.port;
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  for (const [k, v] of u.searchParams) if (k === 'sslmode') env.PGSSLMODE = v;
  return env;
}

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (e) => resolve({ code: -1, stdout, stderr: `${cmd}: ${e.message}` }));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
