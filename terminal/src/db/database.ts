// The terminal's one SQLite file. Queue, replay memory and trust state share it so that a
// verdict's event and its replay record commit in one transaction, with one fsync.
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type Db = Database.Database;

/** File name of the terminal database inside its data folder. */
export const DB_FILE = 'terminal.db';

/**
 * Opens (creating if needed) the terminal database with the durability settings the queue needs:
 * WAL with synchronous=FULL (better-sqlite3 builds WAL at NORMAL, which can roll back committed
 * events on power loss) and a bounded WAL file.
 */
export function openDatabase(dataDir: string): Db {
  const path = join(dataDir, DB_FILE);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Readable by the daemon's user only (the queue holds sealed personal data and the chain). The
  // -wal and -shm files SQLite makes take the database file's mode; older ones are tightened.
  closeSync(openSync(path, 'a', 0o600));
  for (const f of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  const db = new Database(path, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('journal_size_limit = 67108864'); // 64 MiB
  db.pragma('foreign_keys = ON');
  return db;
}
