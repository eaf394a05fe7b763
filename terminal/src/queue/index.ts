export { openDatabase, DB_FILE, type Db } from './db.ts';
