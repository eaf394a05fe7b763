// Meeting attendance (venue `attendance`, docs/meetings.md): the holder is looked up in the roster
// feed; of their meetings, the one whose sign-in is open now (from `open_before_min` before its
// start to `close_after_min` after) is the one signed; the first scan counts, late from the row's
// `late_after_min` (else the venue's); a later scan is answered with the time of the first. Pure:
// everything it reads comes through the lookups, and the sign-in is recorded by the pipeline in
// the reading's own transaction.
import { holderOfCode, holderOfDocument, type RosterRow } from '../protocol/index.ts';
import { fromLocal, localClock, type Reason, type Source } from '../scenarios/index.ts';
import { VENUE_DEFAULTS } from './schema.ts';
import type { Venue } from './types.ts';

export interface SignedIn {
  /** Unix seconds of the first scan. */
  at: number;
  late: boolean;
}

/** What the attendance step reads besides the feeds: the sign-ins already recorded. */
export interface AttendanceLookups {
  signedIn(meeting: string, holder: string): SignedIn | null;
}

/** A first sign-in to record with the reading's event. */
export interface SignIn {
  meeting: string;
  holder: string;
  at: number;
  late: boolean;
  name_masked: string | null;
}

export interface AttendanceFeeds {
  feed(kind: 'roster'): { version: number; age_s: number } | null;
  salt(): string | null;
  rows(kind: 'roster', holder: string): RosterRow[];
}

export function holderOfRead(source: Source, issuer: string | null, sub: string | null, docNo: string | undefined, salt: string | null): string | null {
  if ((source === 'YSS1' || source === 'HC1') && issuer && sub) return holderOfCode(issuer, sub);
  if ((source === 'idcard' || source === 'mrz') && docNo && salt) return holderOfDocument(salt, docNo);
  return null;
}

export type AttendanceAnswer =
  | { reason: Reason; body: Record<string, unknown> }
  | { body: Record<string, unknown>; effect: { kind: 'attendance'; meeting: string; status: 'signed_in' | 'already'; late: boolean; at: string }; signIn: SignIn | null };

export function attendanceStep(
  venue: Venue,
  who: { source: Source; issuer: string | null; sub: string | null; docNo: string | undefined },
  now: number,
  feeds: AttendanceFeeds | undefined,
  seen: AttendanceLookups | undefined,
): AttendanceAnswer {
  const rule = venue.attendance ?? {};
  const f = feeds?.feed('roster') ?? null;
  const body: Record<string, unknown> = { feeds: { roster: f?.version ?? null } };
  if (!feeds || !seen || !f || (rule.max_feed_age_s !== undefined && f.age_s > rule.max_feed_age_s)) return { reason: 'feed_too_old', body };
  const holder = holderOfRead(who.source, who.issuer, who.sub, who.docNo, feeds.salt());
  const rows = holder ? feeds.rows('roster', holder) : [];
  if (!holder || !rows.length) return { reason: 'not_on_roster', body };
  const { before_s: before, after_s: afterS } = attendanceWindow(venue);
  const open = rows
    .map((r) => ({ r, start: fromLocal(r.starts_at) }))
    .filter(({ start }) => now >= start - before && now < start + afterS)
    .sort((a, b) => Math.abs(a.start - now) - Math.abs(b.start - now))[0];
  if (!open) return { reason: 'meeting_not_open', body };
  const { r, start } = open;
  body.meeting = r.meeting;
  const first = seen.signedIn(r.meeting, holder);
  if (first) {
    return { body: { ...body, first: false, late: first.late }, effect: { kind: 'attendance', meeting: r.meeting, status: 'already', late: first.late, at: localClock(first.at) }, signIn: null };
  }
  const late = now >= start + (r.late_after_min ?? rule.late_after_min ?? VENUE_DEFAULTS.attendance_late_after_min) * 60;
  return {
    body: { ...body, first: true, late },
    effect: { kind: 'attendance', meeting: r.meeting, status: 'signed_in', late, at: localClock(now) },
    signIn: { meeting: r.meeting, holder, at: now, late, name_masked: r.name_masked ?? null },
  };
}

/** When sign-in is open around a meeting's start, seconds before and after it. */
export function attendanceWindow(venue: Venue): { before_s: number; after_s: number } {
  const rule = venue.attendance;
  return { before_s: (rule?.open_before_min ?? VENUE_DEFAULTS.attendance_open_before_min) * 60, after_s: (rule?.close_after_min ?? VENUE_DEFAULTS.attendance_close_after_min) * 60 };
}
