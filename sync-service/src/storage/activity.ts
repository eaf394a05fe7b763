// What the fleet page reads without scanning events: a count of stored events per terminal, venue
// and hour (the rollup each ingest adds to, in its own transaction, so it never disagrees with the
// events), and the chain resets terminals reported. Keyed per terminal so that two terminals'
// uploads never wait on one counter row; the page sums over terminals.
import type { AppointmentPlacement, PlacementRule, WireEvent } from '../../../terminal/src/protocol/index.ts';

export const HOUR_MS = 3_600_000;

/** An hour of one venue's stored events. `hour` is the hour's first instant (unix ms, UTC). */
export interface VenueHour {
  venue: string;
  hour: number;
  count: number;
}

/** A terminal that started a new chain with `terminal reset`, from its `reset` event. */
export interface ResetRecord {
  terminal_id: string;
  /** The terminal id it says it replaces (as the reset event claims it; the operator revokes). */
  replaces: string | null;
  reason: string | null;
  at: number;
}

/** The hall-wide rules a ticket was issued under (docs/hall.md, "One active number per person"; docs/hospital.md). */
export const HALL_RULES = ['one_active', 'one_per_day'] as const;
export type HallRule = (typeof HALL_RULES)[number];

/**
 * A hall ticket a terminal uploaded (docs/hall.md): the calling side's input. Nothing personal:
 * the number, its category (the number's prefix), the service, the priority flag and when; for a
 * hall-wide rule, the person's token of the day (a hash keyed with the hall and the day, never the
 * code or the document number).
 */
export interface HallTicket {
  hall: string;
  day: string;
  number: string;
  category: string;
  service: string;
  priority: 'elderly' | 'appointment' | null;
  /** An appointment's sign-in and how the hall places it (docs/hospital.md); null for a walk-in's ticket. */
  placement: Placement | null;
  /** The terminal's trusted time of the ticket (unix ms). */
  taken_at: number;
  /** The category's configured average service time (minutes), when the venue names one. */
  service_minutes: number | null;
  terminal_id: string;
  seq: number;
  /** The person's token for the day (22 characters), when the ticket falls under a hall-wide rule; else null. */
  person: string | null;
  /** The hall-wide rules the machine issued it under: one active number per person per category, one booking per person per day. */
  rules: HallRule[];
  /** Staff overrode `one_active` on the machine for this ticket. */
  override: boolean;
  /** The venue's priority labels a clerk may mark (print-ticket `priority_labels`), as the machine had them; null when it named none. */
  labels: string[] | null;
}

/** What an appointment ticket carries for the calling order: the terminal's `appointment` effect field, as the wire protocol defines it. */
export type Placement = AppointmentPlacement;
export type { PlacementRule };

/** The columns of a HallTicket row, in both engines (`placement` and `labels` are JSON text in storage, `rules` comma-separated, `override` its rule or null). */
export const TICKET_COLS = 'hall, day, number, category, service, priority, taken_at, service_minutes, terminal_id, seq, placement, person, rules, override, labels';

/** A HallTicket as the values of TICKET_COLS, in order. */
export function ticketValues(k: HallTicket): (string | number | null)[] {
  return [k.hall, k.day, k.number, k.category, k.service, k.priority, k.taken_at, k.service_minutes, k.terminal_id, k.seq, k.placement ? JSON.stringify(k.placement) : null, k.person, k.rules.length ? k.rules.join(',') : null, k.override ? 'one_active' : null, k.labels ? JSON.stringify(k.labels) : null];
}

const PERSON = /^[A-Za-z0-9_-]{22}$/;
/** A priority label as the window page shows it: a short word without controls or markup (the `mark` step's own rule). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
export const LABEL = /^[^\u0000-\u001f<>&"']{1,8}$/;
/** The most priority labels a venue names. */
export const MAX_LABELS = 12;

/** A terminal's `labels` checked as a stranger's: a list of distinct short labels, else none. */
export function labelsOf(x: unknown): string[] | null {
  if (!Array.isArray(x) || x.length === 0 || x.length > MAX_LABELS) return null;
  if (!x.every((l): l is string => typeof l === 'string' && LABEL.test(l)) || new Set(x).size !== x.length) return null;
  return x;
}

const SLOT = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$|^([01]\d|2[0-3]):[0-5]\d-24:00$/;

function ruleOf(x: unknown): PlacementRule | null {
  if (typeof x !== 'object' || x === null) return null;
  const r = x as { place?: unknown; n?: unknown };
  if (r.place === 'normal' || r.place === 'end') return { place: r.place };
  if (r.place === 'insert_after' && Number.isInteger(r.n) && (r.n as number) >= 1 && (r.n as number) <= 100) return { place: 'insert_after', n: r.n as number };
  return null;
}

/** A terminal's `appointment` field checked as a stranger's: anything off and the ticket is placed as a walk-in's. */
export function placementOf(x: unknown): Placement | null {
  if (typeof x !== 'object' || x === null) return null;
  const a = x as Record<string, unknown>;
  const late = ruleOf(a.late_rule);
  const missed = ruleOf(a.missed_rule);
  if (typeof a.slot !== 'string' || !SLOT.test(a.slot) || typeof a.late !== 'boolean' || typeof a.first !== 'boolean' || !late || !missed) return null;
  if (a.order !== 'registration' && a.order !== 'sign_in') return null;
  const reg = Number.isInteger(a.reg) && (a.reg as number) >= 0 && (a.reg as number) < 1e6 ? (a.reg as number) : undefined;
  return { slot: a.slot, ...(reg !== undefined ? { reg } : {}), late: a.late, first: a.first, order: a.order, late_rule: late, missed_rule: missed };
}

/** A stored row back to a HallTicket: `placement` and `labels` from their JSON text. */
export function ticketRow(r: Omit<HallTicket, 'placement' | 'rules' | 'override' | 'labels'> & { placement: string | null; rules: string | null; override: string | null; labels: string | null }): HallTicket {
  return {
    ...r,
    taken_at: Number(r.taken_at),
    seq: Number(r.seq),
    placement: r.placement ? placementOf(JSON.parse(r.placement)) : null,
    rules: r.rules ? (r.rules.split(',') as HallRule[]) : [],
    override: r.override === 'one_active',
    labels: r.labels ? labelsOf(JSON.parse(r.labels)) : null,
  };
}

const TICKET_ID = /^([a-z][a-z0-9-]{0,39})\/(\d{4}-\d{2}-\d{2})\/(([A-Z]{1,3})\d{1,6})$/;

/** The hall tickets an event takes: an accepted reading's ticket effects that have a hall id. */
export function ticketsOf(terminalId: string, e: WireEvent): HallTicket[] {
  const b = e.body as { accepted?: unknown; effects?: unknown };
  if (b.accepted !== true || !Array.isArray(b.effects)) return [];
  const out: HallTicket[] = [];
  for (const x of b.effects as Record<string, unknown>[]) {
    if (x?.kind !== 'ticket' || typeof x.id !== 'string') continue;
    const m = TICKET_ID.exec(x.id);
    if (!m || m[3] !== x.number) continue;
    const minutes = typeof x.service_minutes === 'number' && x.service_minutes > 0 && x.service_minutes <= 480 ? x.service_minutes : null;
    // A hall-wide rule needs the person's token; a malformed token or rule list is no rule (the ticket still counts).
    const person = typeof x.person === 'string' && PERSON.test(x.person) ? x.person : null;
    const rules = person && Array.isArray(x.rules) ? HALL_RULES.filter((r) => (x.rules as unknown[]).includes(r)) : [];
    out.push({
      hall: m[1]!,
      day: m[2]!,
      number: m[3]!,
      category: m[4]!,
      service: typeof x.service === 'string' ? x.service.slice(0, 64) : '',
      priority: x.priority === 'elderly' || x.priority === 'appointment' ? x.priority : null,
      placement: placementOf(x.appointment),
      taken_at: e.trusted_at,
      service_minutes: minutes,
      terminal_id: terminalId,
      seq: e.seq,
      person: rules.length ? person : null,
      rules,
      override: x.override === 'one_active',
      labels: labelsOf(x.labels),
    });
  }
  return out;
}

/** Counts events per (venue, hour), in the order the pairs first appear. */
export class HourCounts {
  private readonly byKey = new Map<string, VenueHour>();
  add(venue: string, trustedAt: number): void {
    const hour = Math.floor(trustedAt / HOUR_MS) * HOUR_MS;
    const key = `${venue}\u0000${hour}`;
    const row = this.byKey.get(key);
    if (row) row.count++;
    else this.byKey.set(key, { venue, hour, count: 1 });
  }
  rows(): VenueHour[] {
    return [...this.byKey.values()];
  }
}

/** The chain reset an event records, if it is a `reset` event. */
export function resetOf(terminalId: string, e: WireEvent): ResetRecord | null {
  if (e.type !== 'reset') return null;
  const b = e.body as { replaces?: unknown; reason?: unknown };
  return {
    terminal_id: terminalId,
    replaces: typeof b.replaces === 'string' ? b.replaces.slice(0, 64) : null,
    reason: typeof b.reason === 'string' ? b.reason.slice(0, 200) : null,
    at: e.trusted_at,
  };
}

/** The rows a batch of newly stored events adds: counts per (venue, hour), its resets and its hall tickets. */
export function activityOf(terminalId: string, events: readonly WireEvent[]): { hours: VenueHour[]; resets: ResetRecord[]; tickets: HallTicket[] } {
  const hours = new HourCounts();
  const resets: ResetRecord[] = [];
  const tickets: HallTicket[] = [];
  for (const e of events) {
    tickets.push(...ticketsOf(terminalId, e));
    hours.add(e.scenario, e.trusted_at);
    const r = resetOf(terminalId, e);
    if (r) resets.push(r);
  }
  return { hours: hours.rows(), resets, tickets };
}
