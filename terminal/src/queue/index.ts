export { openDatabase, DB_FILE, type Db } from './db.ts';
export { Queue, type NewEvent, type QueueOptions, type QueueStats, type OutgoingEvent } from './queue.ts';
