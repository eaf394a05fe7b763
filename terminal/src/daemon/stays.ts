// The desk's side of a venue's stays (venue `stay`): a keypad registration places the reading's
// guest in a room's stay; the clerk adds a foreign guest's details (sealed to the service),
// confirms a head count that differs, and checks guests out by a scan or one tap for the room.
// Every change commits with its event in one transaction (venue/stays.ts).
import type {
  CheckoutRequest,
  CorrectionRequest,
  GuestPolice,
  CountConfirmRequest,
  ForeignDetailsRequest,
  GuestAlert,
  GuestView,
  RegistrationRequest,
  StaysOverview,
  StayRegistrationResult,
  StayView,
} from '../api/index.ts';
import type { Sealer } from '../protocol/index.ts';
import type { PoliceReportState } from '../sync/index.ts';
import type { Queue } from '../queue/index.ts';
import { localDay } from '../scenarios/index.ts';
import type { Clock } from '../trust/index.ts';
import { countSettled, VENUE_DEFAULTS, type PendingDetailsStore, type Stay, type StayStore, type Venue } from '../venue/index.ts';

export interface StayDeskDeps {
  venue: Readonly<Venue>;
  stays: StayStore;
  pending: PendingDetailsStore;
  queue: Queue;
  clock: Clock;
  /** Null without a sync service: foreign details are then refused (nothing would keep them). */
  sealer: Sealer | null;
  committed(): void;
  /** The guests' police report states as last read from the service (sync/police.ts); none without a service. */
  police?: {
    of(stayId: number, guestId: number): { check_in: PoliceReportState | null; check_out: PoliceReportState | null };
    readAt: number | null;
  };
}

/** The fields a clerk may correct in a rejected police report: the identity the venue records, and a foreign guest's details. */
const CORRECTABLE = ['name', 'doc_type', 'doc_no'] as const;

/** A report as the desk shows it at `nowMs`. */
function policeView(r: PoliceReportState | null, nowMs: number): GuestPolice | null {
  if (!r) return null;
  const open = r.state !== 'accepted';
  return { seq: r.seq, state: r.state, reason: r.reason, deadline_at: r.deadline_at, alert: open && nowMs >= r.deadline_at ? 'overdue' : open && nowMs >= r.alert_at ? 'due_soon' : null };
}

/** A refusal the routes turn into an API error. */
export interface DeskRefusal {
  error: 'YSS_API_STAY_NOT_FOUND' | 'YSS_API_STAY_CONFLICT' | 'YSS_API_BAD_REQUEST';
  message: string;
}

const DAY_MS = 86_400_000;
/** How long after check-in a guest may still add their own details at the kiosk (30 min, like a reading waiting for the keypad). */
const SELF_DETAILS_WINDOW_MS = 30 * 60_000;
const DETAIL_TEXT = /^[\p{L}\p{N} .\-/()]{1,40}$/u;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Adds `n` days to a YYYY-MM-DD date. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

export class StayDesk {
  constructor(private readonly deps: StayDeskDeps) {}

  private deadlineS(category: 'domestic' | 'hmt' | 'foreign'): number {
    const d = this.deps.venue.stay?.deadlines_s;
    if (category === 'domestic') return d?.domestic ?? VENUE_DEFAULTS.stay_deadline_domestic_s;
    if (category === 'hmt') return d?.hmt ?? VENUE_DEFAULTS.stay_deadline_hmt_s;
    return d?.foreign ?? VENUE_DEFAULTS.stay_deadline_foreign_s;
  }

  private alertBeforeS(): number {
    return this.deps.venue.stay?.alert_before_s ?? VENUE_DEFAULTS.stay_alert_before_s;
  }

  /** The stay as the desk sees it at wall time `nowMs`. */
  view(s: Stay, nowMs: number): StayView {
    const settled = countSettled(s);
    const before = (this.deps.venue.stay?.alert_before_s ?? VENUE_DEFAULTS.stay_alert_before_s) * 1000;
    const guests = s.guests.map((g): GuestView => {
      const deadline = g.in_at + this.deadlineS(g.category) * 1000;
      const open = g.needs_details || !settled;
      const alert: GuestAlert = !open ? 'complete' : nowMs >= deadline ? 'overdue' : nowMs >= deadline - before ? 'due_soon' : 'incomplete';
      const p = this.deps.police?.of(s.id, g.id);
      return {
        id: g.id, name_masked: g.name_masked, category: g.category, main: g.main, in_at: g.in_at, out_at: g.out_at, needs_details: g.needs_details, deadline_at: deadline, alert,
        police: policeView(p?.check_in ?? null, nowMs),
        police_out: policeView(p?.check_out ?? null, nowMs),
      };
    });
    return {
      id: s.id,
      room: s.room,
      arrival: s.arrival,
      departure: s.departure,
      head_count: s.head_count,
      registered: s.guests.length,
      count_settled: settled,
      count_reason: s.count_reason,
      closed: s.closed_at !== null,
      guests,
    };
  }

  overview(): StaysOverview {
    const nowMs = this.deps.clock.wallMs();
    const stays = this.deps.stays.list(localDay(Math.floor(nowMs / 1000))).map((s) => this.view(s, nowMs));
    const all = stays.flatMap((s) => s.guests);
    const reports = all.flatMap((g) => [g.police, g.police_out]).filter((r): r is GuestPolice => r !== null);
    return {
      now: nowMs,
      stays,
      alerts: { due_soon: all.filter((g) => g.alert === 'due_soon').length, overdue: all.filter((g) => g.alert === 'overdue').length },
      police: {
        due_soon: reports.filter((r) => r.alert === 'due_soon').length,
        overdue: reports.filter((r) => r.alert === 'overdue').length,
        rejected: reports.filter((r) => r.state === 'rejected').length,
        read_at: this.deps.police?.readAt ?? null,
      },
    };
  }

  /**
   * Corrects a guest whose check-in report the police rejected: the clerk's fields, sealed, in a
   * `guest_fix` event naming the rejected report; the service reports it anew and keeps both.
   */
  correct(guestId: number, body: CorrectionRequest): StayView | DeskRefusal {
    const { deps } = this;
    const allowed: readonly string[] = [...CORRECTABLE.filter((f) => deps.venue.record.fields.includes(f as never)), ...(deps.venue.stay?.foreign_details ?? [])];
    const keys = Object.keys(body);
    const wrong = keys.filter((k) => !allowed.includes(k) || typeof body[k as keyof CorrectionRequest] !== 'string' || !(k === 'entry_date' ? DATE.test(body.entry_date!) : k === 'name' ? /^[\p{L} .·'-]{1,60}$/u.test(body.name!) : DETAIL_TEXT.test(body[k as keyof CorrectionRequest]!)));
    if (!keys.length || wrong.length) return { error: 'YSS_API_BAD_REQUEST', message: `Expected one or more of ${allowed.join(', ')} (entry_date YYYY-MM-DD, the others 1-40 letters, digits or . - / ( ))${wrong.length ? `; wrong or not asked: ${wrong.join(', ')}` : ''}` };
    if (!deps.sealer) return { error: 'YSS_API_STAY_CONFLICT', message: 'No sync service is configured: a correction cannot be kept sealed' };
    const g = deps.stays.guest(guestId);
    if (!g) return { error: 'YSS_API_STAY_NOT_FOUND', message: `No guest ${guestId}` };
    const report = deps.police?.of(g.stay_id, g.id).check_in ?? null;
    if (report?.state !== 'rejected') return { error: 'YSS_API_STAY_CONFLICT', message: `Guest ${guestId}'s police report is ${report ? report.state : 'not known yet'}: only a rejected report is corrected` };
    const stay = deps.stays.stay(g.stay_id)!;
    const sealed = deps.sealer.seal(Object.fromEntries(keys.map((k) => [k, body[k as keyof CorrectionRequest]])));
    const at = deps.clock.wallMs();
    const now = deps.clock.now();
    deps.queue.commit((tx) =>
      tx.append({
        type: 'guest_fix',
        at,
        trusted_at: now * 1000,
        scenario: deps.venue.name,
        body: { stay_id: stay.id, guest_id: g.id, of_seq: g.of_seq, corrects: report.seq, room: stay.room, arrival: stay.arrival, departure: stay.departure, head_count: stay.head_count, main: g.main, category: g.category, deadline_at: report.deadline_at, alert_at: report.alert_at },
        sealed,
      }),
    );
    deps.committed();
    return this.view(stay, at);
  }

  /** The keypad step at a venue with stays: the reading's guest joins the room's stay, or opens it. */
  register(req: RegistrationRequest): StayRegistrationResult {
    const { deps } = this;
    const at = deps.clock.wallMs();
    const now = deps.clock.now();
    const answer = deps.queue.commit((tx) => {
      const pending = deps.pending.get(req.seq, now);
      if (!pending) return null;
      const missing = pending.fields.filter((f) => req[f as keyof RegistrationRequest] === undefined);
      if (missing.length) return { missing };
      deps.pending.close(req.seq);
      const arrival = localDay(now);
      const departure = addDays(arrival, req.nights ?? deps.venue.stay?.nights ?? VENUE_DEFAULTS.stay_nights);
      return deps.stays.checkIn(tx, { seq: req.seq, room: req.room, head_count: req.guests, arrival, departure, at, trustedAt: now * 1000, venue: deps.venue.name, deadlineS: (c) => this.deadlineS(c), alertBeforeS: this.alertBeforeS() });
    });
    if (!answer) return { ok: false, detail: `no accepted check-in with sequence ${req.seq} is waiting for details` };
    if ('missing' in answer) return { ok: false, detail: `the keypad must also give ${answer.missing.join(', ')}` };
    if (!answer.ok) return { ok: false, detail: `the reading ${req.seq} carries no document to register a guest by` };
    if (!answer.duplicate) deps.committed();
    const stay = this.view(answer.stay, at);
    const asked = deps.venue.stay?.foreign_details ?? ['visa_type', 'visa_no', 'entry_date', 'entry_port'];
    const here = deps.venue.stay?.self_details === true && !answer.duplicate && answer.guest.needs_details && asked.length > 0;
    return {
      ...(here ? { details_here: asked } : {}),
      ok: true,
      detail: answer.duplicate
        ? `already in house in room ${stay.room}: flagged, not registered again`
        : `guest ${answer.guest.id} in room ${stay.room} (${stay.registered} of ${stay.head_count}), event ${answer.event_seq}`,
      stay,
      duplicate: answer.duplicate,
    };
  }

  /** Seals what the clerk adds for a foreign guest and records it against the guest. */
  foreignDetails(guestId: number, body: ForeignDetailsRequest): StayView | DeskRefusal {
    const { deps } = this;
    const asked = deps.venue.stay?.foreign_details ?? ['visa_type', 'visa_no', 'entry_date', 'entry_port'];
    const wrong = asked.filter((f) => {
      const v = body[f];
      return typeof v !== 'string' || !(f === 'entry_date' ? DATE.test(v) && !Number.isNaN(Date.parse(v)) : DETAIL_TEXT.test(v));
    });
    const extra = Object.keys(body).filter((k) => !(asked as readonly string[]).includes(k));
    if (wrong.length || extra.length) {
      return { error: 'YSS_API_BAD_REQUEST', message: `Expected exactly ${asked.join(', ')} (entry_date YYYY-MM-DD, the others 1-40 letters, digits or . - / ( ))${wrong.length ? `; wrong: ${wrong.join(', ')}` : ''}${extra.length ? `; not asked: ${extra.join(', ')}` : ''}` };
    }
    if (!deps.sealer) return { error: 'YSS_API_STAY_CONFLICT', message: 'No sync service is configured: foreign details cannot be kept sealed' };
    const details = Object.fromEntries(asked.map((f) => [f, body[f]!]));
    const sealed = deps.sealer.seal(details);
    const at = deps.clock.wallMs();
    const now = deps.clock.now();
    const r = deps.queue.commit((tx) => {
      const a = deps.stays.detailsAdded(guestId);
      if (!a.ok) return a;
      tx.append({ type: 'guest_detail', at, trusted_at: now * 1000, scenario: deps.venue.name, body: { stay_id: a.stay.id, guest_id: guestId, of_seq: a.guest.of_seq }, sealed });
      return a;
    });
    if (!r.ok) return r.why === 'unknown_guest' ? { error: 'YSS_API_STAY_NOT_FOUND', message: `No guest ${guestId}` } : { error: 'YSS_API_STAY_CONFLICT', message: `Guest ${guestId} needs no foreign details` };
    deps.committed();
    return this.view(r.stay, at);
  }

  /**
   * A guest alone at a self-service kiosk (venue `stay.self_details`) adds their own foreign
   * details: only for the guest registered from the reading `seq`, in house, within
   * SELF_DETAILS_WINDOW_MS of check-in. The same checks and sealing as the clerk's.
   */
  selfDetails(seq: number, body: ForeignDetailsRequest): StayView | DeskRefusal {
    const { deps } = this;
    if (deps.venue.stay?.self_details !== true) return { error: 'YSS_API_STAY_CONFLICT', message: `Venue ${deps.venue.name} takes foreign details at the staff screen only (stay.self_details is not set)` };
    const g = deps.stays.guestOfReading(seq);
    if (!g || deps.clock.wallMs() - g.in_at > SELF_DETAILS_WINDOW_MS) return { error: 'YSS_API_STAY_CONFLICT', message: `The reading ${seq} is not a guest registered here in the last 30 minutes (ask at the desk)` };
    return this.foreignDetails(g.id, body);
  }

  confirmCount(stayId: number, body: CountConfirmRequest): StayView | DeskRefusal {
    const { deps } = this;
    const at = deps.clock.wallMs();
    const now = deps.clock.now();
    const r = deps.queue.commit((tx) => {
      const a = deps.stays.confirmCount(stayId, body.reason);
      if (a.ok) tx.append({ type: 'stay_count', at, trusted_at: now * 1000, scenario: deps.venue.name, body: { stay_id: stayId, head_count: a.stay.head_count, registered: a.stay.guests.length, reason: body.reason }, sealed: null });
      return a;
    });
    if (!r.ok) {
      if (r.why === 'unknown_stay') return { error: 'YSS_API_STAY_NOT_FOUND', message: `No stay ${stayId}` };
      return { error: 'YSS_API_STAY_CONFLICT', message: r.why === 'stay_closed' ? `Stay ${stayId} is closed` : `Stay ${stayId}: the head count already matches the guests registered` };
    }
    deps.committed();
    return this.view(r.stay, at);
  }

  /** Checks out one guest, every guest still in house in a stay (one tap for the room), or the guest of a scan. */
  checkOut(target: { guest: number } | { stay: number } | CheckoutRequest): StayView | DeskRefusal {
    const { deps } = this;
    const at = deps.clock.wallMs();
    const now = deps.clock.now();
    let guests: number[];
    if ('guest' in target) guests = [target.guest];
    else if ('stay' in target) {
      const s = deps.stays.stay(target.stay);
      if (!s) return { error: 'YSS_API_STAY_NOT_FOUND', message: `No stay ${target.stay}` };
      guests = s.guests.filter((g) => g.out_at === null).map((g) => g.id);
      if (!guests.length) return { error: 'YSS_API_STAY_CONFLICT', message: `Stay ${target.stay} has no guest in house` };
    } else {
      const g = deps.stays.inHouseOf(target.seq, now);
      if (!g) return { error: 'YSS_API_STAY_CONFLICT', message: `The reading ${target.seq} is not a guest in house (scan the guest's document again)` };
      guests = [g.id];
    }
    const r = deps.queue.commit((tx) => {
      let last = null;
      for (const id of guests) {
        last = deps.stays.checkOut(tx, id, at, now * 1000, deps.venue.name);
        if (!last.ok) return last;
      }
      return last!;
    });
    if (!r.ok) return r.why === 'unknown_guest' ? { error: 'YSS_API_STAY_NOT_FOUND', message: `No guest ${guests[0]}` } : { error: 'YSS_API_STAY_CONFLICT', message: `Guest ${guests[0]} has already checked out` };
    deps.committed();
    return this.view(r.stay, at);
  }
}
