// Venue data feeds on the wire: the lists a venue's terminals decide from offline (who may enter,
// who booked which slot, who is expected at a meeting, who has an appointment). One shape for
// every kind: a feed belongs to a venue, has a kind, a version and rows; a kind is only its row
// fields. The service validates an operator's import with these rules (JSON or CSV), the terminal
// reads the snapshot it pulls with the same types. Holders are never identities: a row names a
// holder by hash (holderOfCode, holderOfDocument), and a plain ID number is refused.
import { createHash } from 'node:crypto';

export const FEED_KINDS = ['access', 'bookings', 'roster', 'appointments', 'patrons'] as const;
export type FeedKind = (typeof FEED_KINDS)[number];

/** Most rows one feed may hold (a 100,000-entry access list fits with room). */
export const FEED_MAX_ROWS = 200_000;
/** Most problems one refused import lists; the count says how many there were in all. */
export const FEED_MAX_PROBLEMS = 20;

/** A daily time segment, China time; `to` exclusive, `24:00` for midnight. */
export interface Segment {
  from: string;
  to: string;
}

/** May pass: on these days, in up to three segments a day, between these dates. */
export interface AccessRow {
  holder: string;
  /** First day of validity, `YYYY-MM-DD` (China time). Absent: valid already. */
  valid_from?: string;
  /** Last day of validity, inclusive. Absent: no end. */
  valid_until?: string;
  /** ISO weekdays (1 Monday … 7 Sunday). Absent: every day. */
  days?: number[];
  /** Up to three segments a day (a dormitory: 06:00–24:00). Absent: whenever the venue is open. */
  segments?: Segment[];
}

/** Booked a slot: `party` people (the holder and companions) on `date` from `from` to `to`. */
export interface BookingRow {
  holder: string;
  date: string;
  from: string;
  to: string;
  party: number;
  /** The slot's capacity as the booking system sold it; the terminal counts against the smaller of it and the venue's. */
  slot_capacity?: number;
}

/** Expected at a meeting that starts at `starts_at` (`YYYY-MM-DDTHH:MM`, China time). */
export interface RosterRow {
  holder: string;
  meeting: string;
  starts_at: string;
  /** Minutes after the start from which a first scan is flagged late. Default 0. */
  late_after_min?: number;
  /** For the organizer's summary: a masked name (`张*明`), never a full one. */
  name_masked?: string;
}

/** Has an appointment for `service` on `date` from `from` to `to`. */
export interface AppointmentRow {
  holder: string;
  date: string;
  from: string;
  to: string;
  service: string;
  /** The booking system's own number for it, shown to staff. */
  number?: string;
}

/** A library reader: the holder hash and the identifier the library system knows them by (its card number). */
export interface PatronRow {
  holder: string;
  /** The ILS's patron identifier (SIP2 `AA`), never an ID number. */
  patron: string;
}

export interface FeedRows {
  access: AccessRow;
  bookings: BookingRow;
  roster: RosterRow;
  appointments: AppointmentRow;
  patrons: PatronRow;
}
export type FeedRow = FeedRows[FeedKind];

/** What a terminal pulls: the whole feed at one version. */
export interface FeedSnapshot<K extends FeedKind = FeedKind> {
  format: 'yss-feed/1';
  venue: string;
  kind: K;
  version: number;
  /** When the service published this version, unix ms. */
  published_at: number;
  /** The venue's salt for document holders (holderOfDocument); the same for every kind of a venue. */
  salt: string;
  rows: FeedRows[K][];
}

/** One thing wrong with an import: its data row (1-based; a CSV's header is not a row), the field, why. */
export interface FeedProblem {
  row: number;
  field: string;
  problem: string;
}

/** The holder of a signed code: SHA-256 of `iss|sub`, hex. */
export function holderOfCode(issuer: string, sub: string): string {
  return createHash('sha256').update(`${issuer}|${sub}`).digest('hex');
}

/** The holder of an ID document: SHA-256 of `salt|number`, hex, with the venue's salt. */
export function holderOfDocument(salt: string, docNo: string): string {
  return createHash('sha256').update(`${salt}|${docNo.toUpperCase()}`).digest('hex');
}

export function isFeedKind(x: unknown): x is FeedKind {
  return typeof x === 'string' && (FEED_KINDS as readonly string[]).includes(x);
}

// ---- Field rules -------------------------------------------------------------------------

type Check = (v: unknown) => string | null;

const HOLDER = /^[0-9a-f]{64}$/;
const ID_NUMBER = /^\d{15}$|^\d{17}[\dXx]$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

const holder: Check = (v) => {
  if (typeof v !== 'string') return 'expected a SHA-256 hash, 64 lowercase hex characters';
  if (HOLDER.test(v)) return null;
  if (ID_NUMBER.test(v.trim())) return 'is a plain ID number: send SHA-256 of "<venue salt>|<number>" instead (GET /admin/venues/<venue> gives the salt)';
  return 'expected a SHA-256 hash, 64 lowercase hex characters';
};
const date: Check = (v) => (typeof v === 'string' && DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ? null : 'expected a date YYYY-MM-DD');
const time: Check = (v) => (typeof v === 'string' && TIME.test(v) ? null : 'expected a time HH:MM (00:00 to 24:00)');
const int = (min: number, max: number): Check => (v) => (Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max ? null : `expected a whole number from ${min} to ${max}`);
const text = (max: number): Check => (v) => (typeof v === 'string' && v.length >= 1 && v.length <= max && !ID_NUMBER.test(v.trim()) ? null : `expected text of 1 to ${max} characters (never an ID number)`);
const masked: Check = (v) => (typeof v === 'string' && v.length >= 1 && v.length <= 32 && v.includes('*') ? null : 'expected a masked name such as 张*明');
const dateTime: Check = (v) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/.test(v) && date(v.slice(0, 10)) === null ? null : 'expected YYYY-MM-DDTHH:MM');
const days: Check = (v) =>
  Array.isArray(v) && v.length >= 1 && v.length <= 7 && v.every((d) => Number.isInteger(d) && d >= 1 && d <= 7) && new Set(v).size === v.length
    ? null
    : 'expected ISO weekdays 1 to 7, each once';
const segments: Check = (v) => {
  if (!Array.isArray(v) || v.length < 1 || v.length > 3) return 'expected 1 to 3 segments HH:MM-HH:MM';
  for (const s of v) {
    const o = s as Segment;
    if (typeof s !== 'object' || s === null || Object.keys(s).some((k) => k !== 'from' && k !== 'to') || time(o.from) || time(o.to) || o.from === '24:00') return 'expected 1 to 3 segments HH:MM-HH:MM';
    if (minuteOf(o.to) <= minuteOf(o.from)) return `segment ${o.from}-${o.to} ends before it starts`;
  }
  return null;
};

interface KindRules {
  /** Field → rule; the required ones first, in CSV column order. */
  fields: Record<string, Check>;
  required: readonly string[];
  /** Cross-field checks of a valid row. */
  row?(r: Record<string, unknown>): [field: string, problem: string] | null;
}

const RULES: Record<FeedKind, KindRules> = {
  access: {
    fields: { holder, valid_from: date, valid_until: date, days, segments },
    required: ['holder'],
    row: (r) => (typeof r.valid_from === 'string' && typeof r.valid_until === 'string' && r.valid_until < r.valid_from ? ['valid_until', 'is before valid_from'] : null),
  },
  bookings: {
    fields: { holder, date, from: time, to: time, party: int(1, 100), slot_capacity: int(1, 100_000) },
    required: ['holder', 'date', 'from', 'to', 'party'],
    row: (r) => (minuteOf(r.to as string) <= minuteOf(r.from as string) ? ['to', 'is not after from'] : null),
  },
  roster: {
    fields: { holder, meeting: text(64), starts_at: dateTime, late_after_min: int(0, 24 * 60), name_masked: masked },
    required: ['holder', 'meeting', 'starts_at'],
  },
  appointments: {
    fields: { holder, date, from: time, to: time, service: text(64), number: text(16) },
    required: ['holder', 'date', 'from', 'to', 'service'],
    row: (r) => (minuteOf(r.to as string) <= minuteOf(r.from as string) ? ['to', 'is not after from'] : null),
  },
  patrons: {
    // A SIP2 field value: no "|" (the field separator); text() already refuses line ends' kin and ID numbers.
    fields: { holder, patron: (v) => (typeof v === 'string' && !/[|\r\n]/.test(v) ? text(32)(v) : 'expected text of 1 to 32 characters without "|" (never an ID number)') },
    required: ['holder', 'patron'],
  },
};

/** CSV columns of a kind, in order (the header must name them; optional ones may be left out). */
export function feedColumns(kind: FeedKind): string[] {
  return Object.keys(RULES[kind].fields);
}

export function minuteOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Checks one row object; problems carry `row`. */
function checkRow(kind: FeedKind, row: unknown, n: number, out: FeedProblem[]): FeedRow | null {
  const rules = RULES[kind];
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    out.push({ row: n, field: '*', problem: 'expected an object' });
    return null;
  }
  const r = row as Record<string, unknown>;
  const before = out.length;
  for (const key of Object.keys(r)) if (!Object.hasOwn(rules.fields, key)) out.push({ row: n, field: key.slice(0, 40), problem: `unknown field; a ${kind} row has ${feedColumns(kind).join(', ')}` });
  for (const f of rules.required) if (r[f] === undefined) out.push({ row: n, field: f, problem: 'missing' });
  for (const [f, check] of Object.entries(rules.fields)) {
    if (r[f] === undefined) continue;
    const p = check(r[f]);
    if (p) out.push({ row: n, field: f, problem: p });
  }
  if (out.length > before) return null;
  const cross = rules.row?.(r);
  if (cross) {
    out.push({ row: n, field: cross[0], problem: cross[1] });
    return null;
  }
  return r as unknown as FeedRow;
}

export type ImportResult<K extends FeedKind = FeedKind> = { ok: true; rows: FeedRows[K][] } | { ok: false; problems: FeedProblem[]; count: number };

/** Validates an import of JSON rows (`{"rows":[...]}` or a bare array): every row, or nothing. */
export function checkFeedRows<K extends FeedKind>(kind: K, body: unknown): ImportResult<K> {
  const rows = Array.isArray(body) ? body : typeof body === 'object' && body !== null && Array.isArray((body as { rows?: unknown }).rows) ? (body as { rows: unknown[] }).rows : null;
  if (!rows) return { ok: false, problems: [{ row: 0, field: 'rows', problem: 'expected {"rows": [...]} or an array of rows' }], count: 1 };
  return finish<K>(kind, rows.map((r, i) => [i + 1, r] as const));
}

function finish<K extends FeedKind>(kind: K, rows: (readonly [number, unknown])[]): ImportResult<K> {
  if (rows.length > FEED_MAX_ROWS) return { ok: false, problems: [{ row: FEED_MAX_ROWS + 1, field: '*', problem: `more than ${FEED_MAX_ROWS} rows` }], count: 1 };
  const problems: FeedProblem[] = [];
  const out: FeedRow[] = [];
  for (const [n, r] of rows) {
    const ok = checkRow(kind, r, n, problems);
    if (ok) out.push(ok);
  }
  if (problems.length) return { ok: false, problems: problems.slice(0, FEED_MAX_PROBLEMS), count: problems.length };
  return { ok: true, rows: out as FeedRows[K][] };
}

/**
 * Validates a CSV import. The first line names the columns; each later line is a row. Lists in a
 * cell are space-separated: `days` as `1 2 3 4 5`, `segments` as `06:00-12:00 13:00-24:00`.
 * Numbers are numbers; an empty cell is an absent field.
 */
export function checkFeedCsv<K extends FeedKind>(kind: K, csv: string): ImportResult<K> {
  const lines = parseCsv(csv);
  if (lines === null) return { ok: false, problems: [{ row: 0, field: '*', problem: 'not CSV: a quoted cell is not closed' }], count: 1 };
  const header = lines.shift() ?? [];
  const columns = feedColumns(kind);
  const unknown = header.filter((h) => !columns.includes(h));
  const missing = RULES[kind].required.filter((f) => !header.includes(f));
  if (unknown.length || missing.length || !header.length) {
    const problems: FeedProblem[] = [
      ...unknown.map((h) => ({ row: 0, field: h.slice(0, 40), problem: `unknown column; a ${kind} CSV has ${columns.join(', ')}` })),
      ...missing.map((f) => ({ row: 0, field: f, problem: 'missing column in the header' })),
    ];
    return { ok: false, problems: problems.slice(0, FEED_MAX_PROBLEMS), count: problems.length };
  }
  const rows = lines.map((cells, i): readonly [number, unknown] => {
    const r: Record<string, unknown> = {};
    header.forEach((h, c) => {
      const cell = (cells[c] ?? '').trim();
      if (cell !== '') r[h] = fromCell(h, cell);
    });
    if (cells.length > header.length) r['(extra cells)'] = cells.slice(header.length);
    return [i + 1, r];
  });
  return finish<K>(kind, rows);
}

function fromCell(column: string, cell: string): unknown {
  if (column === 'days') return cell.split(/\s+/).map((d) => (/^\d+$/.test(d) ? Number(d) : d));
  if (column === 'segments') return cell.split(/\s+/).map((s) => ({ from: s.slice(0, s.indexOf('-')), to: s.slice(s.indexOf('-') + 1) }));
  if ((column === 'party' || column === 'slot_capacity' || column === 'late_after_min') && /^\d+$/.test(cell)) return Number(cell);
  return cell;
}

/** RFC 4180 lines (quoted cells, doubled quotes, CRLF or LF); blank lines are skipped. Null when a quote is left open. */
function parseCsv(csv: string): string[][] | null {
  const out: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  const s = csv.charCodeAt(0) === 0xfeff ? csv.slice(1) : csv;
  const endRow = () => {
    row.push(cell);
    if (row.length > 1 || row[0] !== '') out.push(row);
    row = [];
    cell = '';
  };
  while (i < s.length) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else cell += ch;
      i++;
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') endRow();
    else if (ch !== '\r') cell += ch;
    i++;
  }
  if (quoted) return null;
  if (cell !== '' || row.length) endRow();
  return out;
}

/** `row 3 holder: missing; row 7 date: expected a date YYYY-MM-DD` (and how many more). */
export function describeProblems(problems: FeedProblem[], count: number): string {
  const listed = problems.map((p) => `${p.row === 0 ? 'header' : `row ${p.row}`} ${p.field}: ${p.problem}`).join('; ');
  return count > problems.length ? `${listed}; and ${count - problems.length} more` : listed;
}
