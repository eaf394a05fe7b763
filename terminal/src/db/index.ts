// Public surface of db/: the terminal's one SQLite file, which queue, trust and scenarios share.
export { openDatabase, DB_FILE, type Db } from './database.ts';
export { IdleCheckpoints, reserveWal, WAL_RESERVE_BYTES, type CheckpointOptions, type CheckpointTick } from './checkpoints.ts';
