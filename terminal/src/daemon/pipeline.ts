// One reading's path: verify (pure) → the venue policy decides (pure) → one IMMEDIATE transaction
// records the replay keys (per code and per person), allocates a ticket number, appends the event
// and opens its keypad step → only then is the verdict pushed to the kiosk → side effects (print,
// relay, scanner beep) → the log line, last: nothing that can wait stands between the commit and
// the kiosk.
import type { Logger } from 'pino';
import type { VerdictMessage } from '../api/index.ts';
import { verifyCode, type VerifyResult } from '../codes/index.ts';
import type { DeviceHealth, Reading } from '../devices/index.ts';
import { textRef } from '../log.ts';
import type { Sealer } from '../protocol/index.ts';
import { ticketNumber, type HallNumbers, type Queue, type TicketCounter } from '../queue/index.ts';
import { localDay, type Display, type Effect, type Reason } from '../scenarios/index.ts';
import type { Clock, ReplayStore, TrustStore } from '../trust/index.ts';
import type { FeedStore, GrantStore, PassageStore, ShareStore } from '../feeds/index.ts';
import type { GateGrants } from './grants.ts';
import type { TicketChoice } from './ticket-choice.ts';
import { decideVenue, refuseDecision, verifierAllowsReplay, VENUE_DEFAULTS, type AccessLookups, type ActiveTicketStore, type AppointmentStore, type AttendanceStore, type PendingDetailsStore, type PersonSeenStore, type StayStore, type Venue } from '../venue/index.ts';

export interface PipelineDeps {
  venue: Readonly<Venue>;
  trust: TrustStore;
  replay: ReplayStore;
  persons: PersonSeenStore;
  pending: PendingDetailsStore;
  /** The venue's stays (venue `stay`): an accepted reading may be placed in one. */
  stays?: StayStore;
  queue: Queue;
  tickets: TicketCounter;
  /** The hall's shared numbers (venue `numbers: hall`); null when the machine numbers its own. */
  hallNumbers?: HallNumbers | null;
  /** The venue's data feeds and what the gate counts from them (a venue with `access`). */
  feeds?: { store: FeedStore; passages: PassageStore; shares?: ShareStore };
  /** Grants waiting for a pass sensor (an `open-gate` action with `pass_sensor`; docs/feeds.md#grants-that-lapse). */
  grants?: { store: GrantStore; keeper: GateGrants };
  /** Meeting sign-ins (a venue with `attendance`). */
  attendance?: AttendanceStore;
  /** Appointment sign-ins (a venue with `appointments`). */
  appointments?: AppointmentStore;
  /** A ticket machine's category picked on the kiosk and staff's one-time override (docs/hall.md, "Categories"). */
  choice?: TicketChoice;
  /** Whom this machine gave a number today, for print-ticket `one_active`. */
  active?: ActiveTicketStore;
  /** Null when no sync service is configured: personal data is then not kept at all. */
  sealer: Sealer | null;
  /** Wall time stamps the reading; trusted time decides validity. */
  clock: Clock;
  skew: number;
  log: Logger;
  publish(message: VerdictMessage): void;
  /** Runs after the commit: printing, relays, scanner acknowledgement. */
  afterCommit(message: VerdictMessage, device: DeviceHealth): void;
  /** Seconds each code took to verify (metrics). */
  observeVerify?(seconds: number): void;
}

export class Pipeline {
  private readonly access: AccessLookups | undefined;

  constructor(private readonly deps: PipelineDeps) {
    const f = deps.feeds;
    this.access = f && {
      feed: (kind) => {
        const m = f.store.meta(kind);
        return m && { version: m.version, age_s: Math.max(0, Math.floor(deps.clock.wallMs() / 1000 - m.checked_at / 1000)) };
      },
      salt: () => f.store.salt(),
      rows: (kind, holder) => f.store.rows(kind, holder),
      admitted: (day, slot) => f.passages.admitted(day, slot),
      lastPassage: (holder) => f.passages.lastPassage(holder),
      share: (day, slot) => f.shares?.limit(day, slot) ?? null,
      inside: (holder) => f.passages.inside(holder),
      occupancy: () => f.passages.occupancy(),
    };
  }

  /** `override`: a refusal another part found (a library's patron status) for a reading the venue would accept; `show`: what that part adds to the screen (what a reader owes). */
  handle(reading: Reading, device: DeviceHealth, override?: Reason, show?: Partial<Display>): VerdictMessage {
    const { deps } = this;
    const { venue } = deps;
    const at = deps.clock.wallMs();
    const now = deps.clock.now();
    let verdict: VerifyResult | null = null;
    if (reading.kind === 'code') {
      const started = process.hrtime.bigint();
      verdict = verifyCode(reading.text, deps.trust.index, { now, skew: deps.skew, replay: deps.replay, allowReplay: verifierAllowsReplay(venue) });
      deps.observeVerify?.(Number(process.hrtime.bigint() - started) / 1e9);
    }
    const trustIssued = deps.trust.index?.issuedAt ?? null;
    const day = localDay(now);
    const choice = deps.choice?.take() ?? { category: null, override: false };
    let d = decideVenue(venue, reading, verdict, {
      now,
      skew: deps.skew,
      trustAge: trustIssued === null ? null : now - trustIssued,
      lastSeen: (key) => deps.persons.lastSeen(key),
      access: this.access,
      device: device.id,
      attendance: deps.attendance,
      appointments: deps.appointments && {
        signedIn: (d, holder) => deps.appointments!.signedIn(d, holder),
        hallSignedIn: (d, person) => deps.hallNumbers?.hallSignedIn(d, person) ?? null,
      },
      category: choice.category,
      staffOverride: choice.override,
      // This machine's own record first (it knows its tickets at once), then the hall's list (every machine's, as last heard).
      activeTicket: (category, person) => deps.active?.active(day, category, person) ?? deps.hallNumbers?.hallActive(day, category, person) ?? null,
    });
    if (override && d.accepted) d = refuseDecision(venue, d, override);
    if (show) d = { ...d, display: { ...d.display, ...show } };
    // A hall ticket with no number in hand is refused before anything is kept (docs/hall.md).
    if (d.accepted && d.effects.some((e) => e.kind === 'ticket' && e.numbers === 'hall' && (!deps.hallNumbers || deps.hallNumbers.held(e.prefix, day) === 0))) {
      d = refuseDecision(venue, d, 'numbers_unavailable');
    }
    // The number this ticket would get is past its prefix's daily cap: hall-wide, since numbers are.
    const next = (e: { prefix: string; numbers: 'machine' | 'hall' }) => (e.numbers === 'hall' ? deps.hallNumbers!.peek(e.prefix, day)! : deps.tickets.peek(e.prefix, day));
    if (d.accepted && d.effects.some((e) => e.kind === 'ticket' && e.daily_cap !== undefined && next(e) > e.daily_cap)) {
      d = refuseDecision(venue, d, 'daily_cap_reached');
    }
    const personal = d.personal && deps.sealer ? deps.sealer.seal(d.personal) : null;
    const message = deps.queue.commit((tx): VerdictMessage => {
      if (d.remember.cti) deps.replay.record(d.remember.cti.cti, d.remember.cti.until);
      if (d.remember.person) {
        const within = venue.replay.within_s ?? VENUE_DEFAULTS.replay_within_s;
        deps.persons.record(d.remember.person.key, d.remember.person.at, d.remember.person.at + within);
      }
      const admit = d.remember.admit;
      // A gate with a pass sensor grants the passage; the sensor confirms it or it lapses (grants.ts).
      const sensor = d.accepted ? d.effects.find((e) => e.kind === 'gate' && e.pass_sensor !== undefined) : undefined;
      const sensed = sensor?.kind === 'gate' && sensor.pass_sensor && deps.grants?.keeper.sensing(sensor.pass_sensor) ? sensor : undefined;
      const before = sensed && admit && deps.feeds ? deps.feeds.passages.before(admit.holder) : null;
      if (admit) deps.feeds?.passages.admit(admit.holder, admit.day, admit.slot, admit.n, now, admit.direction);
      if (d.remember.signIn) deps.attendance?.record(d.remember.signIn);
      // What only the hall reads (the event's ticket effect, not the kiosk's): the person's token of
      // the day under a hall-wide rule, and the venue's priority labels for the window page.
      const forHall = new Map<Effect, Record<string, unknown>>();
      const effects: Effect[] = d.effects.map((e): Effect => {
        if (e.kind === 'ticket' && e.numbers === 'hall') {
          // Who is ahead is read before this ticket counts among this machine's issued ones.
          const wait = deps.hallNumbers!.waitingFor(e.prefix, day, e.appointment);
          // held() was checked above, on this thread, with nothing in between: take() finds one.
          const n = deps.hallNumbers!.take(e.prefix, day);
          if (n === null) throw new Error(`no ${e.prefix} number in hand for a second ticket of one reading`);
          const number = ticketNumber(e.prefix, n);
          if (e.person && e.rules?.includes('one_active')) deps.active?.record(day, e.prefix, e.person, number);
          const ticket: Effect = {
            kind: 'ticket',
            number,
            service: e.service,
            ...(e.priority ? { priority: e.priority } : {}),
            ...(e.appointment ? { appointment: e.appointment } : {}),
            ...(e.service_minutes !== undefined ? { service_minutes: e.service_minutes } : {}),
            ...(wait ? { ahead: wait.ahead, eta_minutes: wait.eta_minutes } : {}),
            id: `${venue.name}/${day}/${number}`,
            ...(e.override ? { override: e.override } : {}),
          };
          forHall.set(ticket, { ...(e.person && e.rules ? { person: e.person, rules: e.rules } : {}), ...(e.labels ? { labels: e.labels } : {}) });
          return ticket;
        }
        if (e.kind === 'ticket') {
          const t = deps.tickets.next(e.prefix, day);
          if (e.person && e.rules?.includes('one_active')) deps.active?.record(day, e.prefix, e.person, t.number);
          return {
            kind: 'ticket',
            number: t.number,
            service: e.service,
            issued_today: t.issued_today,
            ...(e.priority ? { priority: e.priority } : {}),
            ...(e.appointment ? { appointment: e.appointment } : {}),
            ...(e.override ? { override: e.override } : {}),
          };
        }
        if (e.kind === 'gate') {
          if (!e.pass_sensor) return { kind: 'gate', relay: e.relay, pulse_ms: e.pulse_ms };
          // A sensor that is not connected cannot confirm anything: the admission counts now, as at a gate without one.
          return { kind: 'gate', relay: e.relay, pulse_ms: e.pulse_ms, pass_sensor: e.pass_sensor, grant_s: e.grant_s!, grant: sensed ? 'waiting' : 'sensor_offline' };
        }
        if (e.kind === 'attendance') return e;
        return { kind: 'registration' };
      });
      // The sign-in is kept with the number its ticket got, in this transaction: a sign-in exists exactly when its ticket does.
      if (d.remember.appointment) deps.appointments?.record(d.remember.appointment, effects.find((e) => e.kind === 'ticket')?.number ?? null);
      const event = tx.append({
        type: d.event_type,
        at,
        trusted_at: now * 1000,
        scenario: venue.name,
        body: { ...d.body, accepted: d.accepted, reason: d.reason, device: device.id, effects: effects.map((e) => ({ ...e, ...forHall.get(e) })) },
        sealed: personal,
      });
      if (sensed?.kind === 'gate' && deps.grants) {
        deps.grants.store.open({
          seq: event.seq,
          sensor: sensed.pass_sensor!,
          holder: admit && before ? admit.holder : '',
          day: admit?.day ?? day,
          slot: admit?.slot ?? null,
          n: admit && before ? admit.n : 0,
          ...(admit?.direction ? { direction: admit.direction } : {}),
          at: now,
          before: before ?? { at: null, inside: null },
          expires_at: at + sensed.grant_s! * 1000,
        });
      }
      const details = d.effects.find((e) => e.kind === 'collect-details');
      if (details) deps.pending.open(event.seq, details.fields, now);
      if (d.guest && deps.stays) {
        deps.stays.noteReading(event.seq, d.guest, now);
        // A guest already in house: the desk may check them out with this reading (POST /api/checkout).
        const home = deps.stays.inHouseOf(event.seq, now);
        const reg = effects.find((e) => e.kind === 'registration');
        if (home && reg) Object.assign(reg, { in_house: { room: deps.stays.stay(home.stay_id)!.room, guest_id: home.id } });
      }
      return {
        type: 'verdict',
        seq: event.seq,
        at,
        accepted: d.accepted,
        reason: d.reason,
        scenario: venue.name,
        source: d.source,
        issuer: d.issuer,
        code_type: d.code_type,
        display: d.display,
        replayed: d.replayed,
        effects,
        ...(d.words ? { words: d.words } : {}),
      };
    });
    if (message.effects.some((e) => e.kind === 'gate' && e.grant === 'waiting')) deps.grants?.keeper.schedule();
    deps.publish(message);
    deps.afterCommit(message, device);
    deps.log.info(
      { seq: message.seq, accepted: message.accepted, reason: message.reason, source: message.source, ref: reading.kind === 'code' ? textRef(reading.text) : undefined },
      'reading decided',
    );
    return message;
  }
}
