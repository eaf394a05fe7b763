export { openDatabase, DB_FILE, type Db } from './db.ts';
export { Queue, type NewEvent } from './queue.ts';
