// `terminal reset --config <file> --enrollment-code <code> [--reason <text>]`: start a new chain
// on purpose, after the database was lost or damaged beyond recovery. The service deduplicates
// on (terminal id, sequence), so a new chain needs a new terminal id: the operator creates one
// (POST /admin/terminals) and hands over its enrollment code. This command, with the daemon
// stopped (it takes the data folder's lock), moves the database and the identity aside into
// reset-<time>/ (nothing is deleted), makes a new key, enrolls it with the code, and commits a
// `reset` event as the new chain's first event: the service records the reset, which terminal id
// it replaces and how far that one had uploaded, in the new terminal's history at the next upload.
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.ts';
import { DataFolderBusyError, lockDataDir } from '../data-lock.ts';
import { DB_FILE, openDatabase } from '../db/index.ts';
import { Queue } from '../queue/index.ts';
import { loadOrCreateIdentity, saveTerminalId } from '../sync/index.ts';
import { TrustedClock } from '../trust/index.ts';

const USAGE = 'usage: terminal reset --config <file> --enrollment-code <code> [--reason <text>]';

/** What the old identity said, as far as it can still be read. */
function previous(dataDir: string): { terminal_id: string | null; uploaded_seq: number | null } {
  try {
    const f = JSON.parse(readFileSync(join(dataDir, 'identity.json'), 'utf8')) as { terminal_id?: unknown; uploaded?: { seq?: unknown } };
    return { terminal_id: typeof f.terminal_id === 'string' ? f.terminal_id : null, uploaded_seq: typeof f.uploaded?.seq === 'number' ? f.uploaded.seq : null };
  } catch {
    return { terminal_id: null, uploaded_seq: null };
  }
}

export async function main(args: string[]): Promise<number> {
  let v;
  try {
    v = parseArgs({ args, options: { config: { type: 'string' }, 'enrollment-code': { type: 'string' }, reason: { type: 'string' } } }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!v.config || !v['enrollment-code']) {
    console.error(`missing ${v.config ? '--enrollment-code <code>' : '--config <file>'}\n${USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(v.config);
  } catch (e) {
    console.error(e instanceof ConfigError ? e.message : (e as Error).message);
    return 1;
  }
  if (!config.sync) {
    console.error(`${v.config} has no sync section: a reset re-enrolls with the sync service, so there is nothing to reset`);
    return 1;
  }
  const dir = config.data_dir;
  let lock;
  try {
    lock = lockDataDir(dir);
  } catch (e) {
    if (e instanceof DataFolderBusyError) {
      console.error(`terminal reset: ${e.message}`);
      return 1;
    }
    throw e;
  }
  try {
    const old = previous(dir);
    const aside = join(dir, `reset-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    mkdirSync(aside, { mode: 0o700 });
    for (const f of [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`, 'identity.json']) {
      if (existsSync(join(dir, f))) renameSync(join(dir, f), join(aside, f));
    }
    console.log(`moved the old database and identity to ${aside}`);

    const identity = loadOrCreateIdentity(dir);
    const res = await fetch(new URL('/v1/enroll', config.sync.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrollment_code: v['enrollment-code'], public_key: identity.publicKey, name: config.name }),
      signal: AbortSignal.timeout(config.sync.timeout_ms),
    }).catch((e: Error) => e);
    if (res instanceof Error || !res.ok) {
      const why = res instanceof Error ? res.message : `HTTP ${res.status} ${(await res.text()).slice(0, 200)}`;
      console.error(`enrollment refused or unreachable (${why}). The old files stay in ${aside}; run terminal reset again with a valid code.`);
      return 1;
    }
    const reply = (await res.json()) as { terminal_id: string; server_time?: number };
    const terminalId = reply.terminal_id;
    saveTerminalId(dir, terminalId);

    const db = openDatabase(dir);
    try {
      const queue = new Queue(db, { maxBytes: config.queue.max_bytes, droppableTypes: config.queue.droppable_types });
      // The daemon's clock on the new database, taught the service's time as the daemon would be.
      const clock = TrustedClock.open(db);
      if (typeof reply.server_time === 'number') clock.observe(Math.floor(reply.server_time / 1000), 'server');
      const body = { replaces: old.terminal_id, uploaded_through: old.uploaded_seq, reason: v.reason ?? null, moved_to: aside.slice(dir.length + 1) };
      queue.commit((tx) => tx.append({ type: 'reset', at: clock.wallMs(), trusted_at: clock.now() * 1000, scenario: config.venue.name, body, sealed: null }));
    } finally {
      db.close();
    }
    console.log(
      `reset: terminal ${terminalId} starts a new chain${old.terminal_id ? `, replacing ${old.terminal_id}` : ''}; its first event records the reset and is uploaded at the next start.` +
        (old.terminal_id ? ` Ask the operator to revoke ${old.terminal_id}.` : ''),
    );
    return 0;
  } finally {
    lock.release();
  }
}
