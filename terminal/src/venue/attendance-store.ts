// Who signed in to which meeting, and when (venue `attendance`): written in the reading's own
// transaction, so a sign-in exists exactly when its event does. Holders are the roster's hashes;
// names only as the roster gives them, masked. The organizer's summary joins them to the roster.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/index.ts';
import type { RosterRow } from '../protocol/index.ts';
import { localDay } from '../scenarios/index.ts';
import { fromLocal } from '../scenarios/index.ts';
import type { SignedIn, SignIn } from './attendance.ts';

/** Most names listed per group in a summary; the counts are always whole. */
export const SUMMARY_NAMES = 200;

export interface MeetingSummary {
  meeting: string;
  starts_at: string;
  expected: number;
  present: number;
  late: number;
  absent: number;
  /** Masked names (`张*明`), `*` where the roster gave none; at most SUMMARY_NAMES each. */
  names: { present: string[]; late: string[]; absent: string[] };
}

export interface AttendanceSummary {
  /** Unix ms the summary was made. */
  now: number;
  meetings: MeetingSummary[];
}

export class AttendanceStore {
  #get: Statement<[string, string], { at: number; late: number }>;
  #add: Statement<[string, string, number, number], unknown>;
  #all: Statement<[], { meeting: string; holder: string; late: number }>;
  #prune: Statement<[number], unknown>;

  constructor(db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS attendance (
      meeting TEXT NOT NULL,
      holder TEXT NOT NULL,
      at INTEGER NOT NULL,
      late INTEGER NOT NULL,
      PRIMARY KEY (meeting, holder)
    ) WITHOUT ROWID`);
    this.#get = db.prepare('SELECT at, late FROM attendance WHERE meeting = ? AND holder = ?');
    this.#add = db.prepare('INSERT OR IGNORE INTO attendance (meeting, holder, at, late) VALUES (?, ?, ?, ?)');
    this.#all = db.prepare('SELECT meeting, holder, late FROM attendance');
    this.#prune = db.prepare('DELETE FROM attendance WHERE at < ?');
  }

  signedIn(meeting: string, holder: string): SignedIn | null {
    const r = this.#get.get(meeting, holder);
    return r ? { at: r.at, late: r.late === 1 } : null;
  }

  /** Call inside the reading's queue transaction. A second sign-in of the same holder is ignored. */
  record(s: SignIn): void {
    this.#add.run(s.meeting, s.holder, s.at, s.late ? 1 : 0);
  }

  prune(before: number): void {
    this.#prune.run(before);
  }

  /**
   * The roster's meetings starting on today's local day or with sign-in open now (`window`, seconds
   * before and after the start), with who came, who was late and who is absent.
   */
  summary(roster: readonly RosterRow[], nowS: number, window: { before_s: number; after_s: number }): AttendanceSummary {
    const day = localDay(nowS);
    const signed = new Map(this.#all.all().map((r) => [`${r.meeting}\u0000${r.holder}`, r.late === 1]));
    const byMeeting = new Map<string, MeetingSummary>();
    for (const r of roster) {
      const start = fromLocal(r.starts_at);
      if (localDay(start) !== day && !(nowS >= start - window.before_s && nowS < start + window.after_s)) continue;
      const m = byMeeting.get(r.meeting) ?? { meeting: r.meeting, starts_at: r.starts_at, expected: 0, present: 0, late: 0, absent: 0, names: { present: [], late: [], absent: [] } };
      byMeeting.set(r.meeting, m);
      m.expected++;
      const late = signed.get(`${r.meeting}\u0000${r.holder}`);
      const group = late === undefined ? 'absent' : late ? 'late' : 'present';
      m[group]++;
      if (m.names[group].length < SUMMARY_NAMES) m.names[group].push(r.name_masked ?? '*');
    }
    return { now: nowS * 1000, meetings: [...byMeeting.values()].sort((a, b) => a.starts_at.localeCompare(b.starts_at) || a.meeting.localeCompare(b.meeting)) };
  }
}
