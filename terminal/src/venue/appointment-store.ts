// Who signed in for which appointment today (venue `appointments`, docs/hospital.md): written in
// the reading's own transaction with its ticket number, so a sign-in exists exactly when its
// ticket does. Holders are the feed's hashes; nothing else personal is kept.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/index.ts';
import type { AppointmentSignedIn, AppointmentSignIn } from './appointments.ts';

export class AppointmentStore {
  #get: Statement<[string, string], { slot: string; service: string; at: number; number: string | null }>;
  #add: Statement<[string, string, string, string, number, string | null], unknown>;
  #prune: Statement<[number], unknown>;

  constructor(db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS appointment_signins (
      day TEXT NOT NULL,
      holder TEXT NOT NULL,
      slot TEXT NOT NULL,
      service TEXT NOT NULL,
      at INTEGER NOT NULL,
      number TEXT,
      PRIMARY KEY (day, holder, slot, service)
    ) WITHOUT ROWID`);
    this.#get = db.prepare('SELECT slot, service, at, number FROM appointment_signins WHERE day = ? AND holder = ? ORDER BY at');
    this.#add = db.prepare('INSERT OR IGNORE INTO appointment_signins (day, holder, slot, service, at, number) VALUES (?, ?, ?, ?, ?, ?)');
    this.#prune = db.prepare('DELETE FROM appointment_signins WHERE at < ?');
  }

  signedIn(day: string, holder: string): AppointmentSignedIn[] {
    return this.#get.all(day, holder);
  }

  /** Call inside the reading's queue transaction, with the number its ticket got. */
  record(s: AppointmentSignIn, number: string | null): void {
    this.#add.run(s.day, s.holder, s.slot, s.service, s.at, number);
  }

  prune(before: number): void {
    this.#prune.run(before);
  }
}
