// The venue policy: a pure function of (reading, verify result, venue, lookups) that answers
// "does this venue take it, and what happens next", and names the effects. It never switches on
// a venue's name: everything it does is read from the venue value. Checks run in the order
// docs/config.md gives ("How a reading is decided"); the first failing one answers.
import { createHash } from 'node:crypto';
import type { VerifyResult, YssHealth } from '../codes/index.ts';
import type { Reading } from '../devices/index.ts';
import { cardAttributes, codeAttributes, mrzAttributes, type Attributes } from './attributes.ts';
import { VENUE_DEFAULTS } from './schema.ts';
import { endOfLocalDay, localDay, localWeekMinute, type AppointmentPlacement, type Display, type Reason, type Source } from '../scenarios/index.ts';
import { holderOfCode, holderOfDocument, minuteOf, type FeedKind, type FeedRows } from '../protocol/index.ts';
import type { Attribute, Venue, Words } from './types.ts';
import { hallPerson, hoursText, openIn, ticketAction, ticketCategories } from './categories.ts';
import type { TicketCategory } from './types.ts';
import { attendanceStep, type AttendanceAnswer, type AttendanceLookups, type SignIn } from './attendance.ts';
import { appointmentStep, type AppointmentAnswer, type AppointmentLookups, type AppointmentSignIn } from './appointments.ts';

export interface PolicyLookups {
  /** Trusted time, unix seconds. */
  now: number;
  skew: number;
  /** Seconds since the installed trust list was issued, or null without one. */
  trustAge: number | null;
  /** Unix seconds of this person's last accepted reading here (per-person replay), or null. */
  lastSeen(personKey: string): number | null;
  /** The venue's data feeds and local counts, for a venue with `access`; absent: such a venue refuses `feed_too_old`. */
  access?: AccessLookups;
  /** The device id the reading came from (an exit reader of `access.exit_readers`, or an entry). */
  device?: string;
  /** Sign-ins already recorded, for a venue with `attendance` (its roster comes through `access`). */
  attendance?: AttendanceLookups;
  /** Today's appointment sign-ins, for a venue with `appointments` (its feed comes through `access`). */
  appointments?: AppointmentLookups;
  /** The ticket category (prefix) the visitor picked on the kiosk, or null: the default. */
  category?: string | null;
  /** For print-ticket `one_active`: the person's active number in the category today (hall token from categories.ts `hallPerson`), or null. */
  activeTicket?(category: string, person: string): string | null;
  /** Staff signed in on the kiosk let the next reading take a number despite `one_active`. */
  staffOverride?: boolean;
}

/** What the policy reads of the feeds a terminal holds (feeds/), all synchronous and local. */
export interface AccessLookups {
  /** The held version of a feed and seconds since the service last confirmed it current, or null. */
  feed(kind: FeedKind): { version: number; age_s: number } | null;
  /** The venue's salt for document holders, or null before any feed arrived. */
  salt(): string | null;
  rows<K extends FeedKind>(kind: K, holder: string): FeedRows[K][];
  /** People admitted on a local day in a slot (`HH:MM-HH:MM`), or the whole day (''). */
  admitted(day: string, slot: string): number;
  /** Unix seconds of the holder's last admission, or null. */
  lastPassage(holder: string): number | null;
  /** People of the holder's party inside now (venue with `exit_readers`), or null when the holder is not inside. */
  inside?(holder: string): number | null;
  /** People inside now. */
  occupancy?(): number;
  /** For a venue whose slots are shared (`capacity.shares`): people this terminal may have admitted into the slot, slack included; null without a share. */
  share?(day: string, slot: string): number | null;
}

/** An admission to count, in the reading's transaction. */
export interface Admission {
  holder: string;
  day: string;
  slot: string | null;
  n: number;
  /** Through an entry or an exit reader (venue `access.exit_readers`); absent: a venue without exit readers. */
  direction?: 'entry' | 'exit';
}

/**
 * The hall-wide rules a ticket is issued under (docs/hall.md): one active number per person per
 * category (print-ticket `one_active`), one booking per person per day (`appointments.one_per_day`).
 * A ticket under one carries the person's token of the day (`person`) to the hall.
 */
export type HallRule = 'one_active' | 'one_per_day';

/** Effects the venue names; the pipeline carries them out after the commit and records the outcome. */
export type PlannedEffect =
  | { kind: 'ticket'; prefix: string; service: string; numbers: 'machine' | 'hall'; daily_cap?: number; priority?: 'elderly' | 'appointment'; service_minutes?: number; appointment?: AppointmentPlacement; person?: string; rules?: HallRule[]; labels?: readonly string[]; override?: 'one_active' }
  | { kind: 'gate'; relay: string; pulse_ms: number; pass_sensor?: string; grant_s?: number }
  | { kind: 'collect-details'; fields: readonly ('room' | 'guests' | 'nights')[] }
  | Extract<AttendanceAnswer, { effect: unknown }>['effect'];

/** A guest's category for the police report (venue `stay.deadlines_s`). */
export type GuestCategory = 'domestic' | 'hmt' | 'foreign';

/** What a stay keeps of an accepted reading on the terminal: nothing a stranger could read. */
export interface GuestRead {
  /** `doc|<type>|<number>`: hashed with the terminal's own salt before it is stored (stays.ts). */
  identity: string;
  name_masked: string;
  category: GuestCategory;
  /** The document does not carry what the police need of a foreign guest (a passport MRZ). */
  needs_details: boolean;
}

export interface PolicyDecision {
  accepted: boolean;
  reason: Reason | null;
  source: Source;
  issuer: string | null;
  code_type: string | null;
  replayed: boolean;
  display: Display;
  /** Queue event type (the venue's `event`). */
  event_type: string;
  /** Non-personal fields of the event. */
  body: Record<string, unknown>;
  /** Exactly the venue's `record.fields` the reading carried, to be sealed; null when none. */
  personal: Partial<Record<Attribute, string>> | null;
  /** What to remember when the decision is committed. */
  remember: { cti: { cti: Uint8Array; until: number } | null; person: { key: string; at: number } | null; admit?: Admission; signIn?: SignIn; appointment?: AppointmentSignIn };
  effects: PlannedEffect[];
  /** The venue's own words for this refusal, or null to use the kiosk's general ones. */
  words: Words | null;
  /** For a venue with a `stay` section, the accepted reading as a guest; null otherwise. */
  guest?: GuestRead | null;
}

const HMT = new Set(['HKG', 'MAC', 'TWN']);

/** The category by document: resident cards and Chinese passports are domestic; permits and HK/Macau/Taiwan documents `hmt`. */
export function guestCategory(attrs: Attributes): GuestCategory {
  const t = attrs.doc_type ?? '';
  if (t === 'CN-RIC') return 'domestic';
  if (t === 'CN-HMTRP' || t === 'MO-RIC' || t.startsWith('MRZ-C')) return 'hmt';
  if (t === 'PASSPORT') return attrs.nationality === 'CHN' ? 'domestic' : attrs.nationality && HMT.has(attrs.nationality) ? 'hmt' : 'foreign';
  return 'foreign';
}

function guestRead(venue: Venue, read: Read): GuestRead | null {
  const { attrs } = read;
  if (!venue.stay || !attrs.doc_no) return null;
  const category = guestCategory(attrs);
  const masked = attrs.name ? maskName(attrs.name) : (read.nameMasked ?? '*');
  const asked = venue.stay.foreign_details ?? ['visa_type', 'visa_no', 'entry_date', 'entry_port'];
  return { identity: `doc|${attrs.doc_type ?? ''}|${attrs.doc_no}`, name_masked: masked, category, needs_details: category === 'foreign' && attrs.doc_type === 'PASSPORT' && asked.length > 0 };
}

/** Whether the verifier reports a seen cti as valid-and-replayed (true) or refuses it. */
export function verifierAllowsReplay(venue: Venue): boolean {
  return venue.replay.on_replay === 'flag';
}


/** `张小明` → `张*明`; `张三` → `张*`. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** Keeps the first 4 and last 4 characters of a number: `4401**********1234`. */
export function maskNumber(no: string): string {
  const chars = [...no];
  if (chars.length <= 8) return '*'.repeat(chars.length);
  return `${chars.slice(0, 4).join('')}${'*'.repeat(chars.length - 8)}${chars.slice(-4).join('')}`;
}

/** End of a YYYY-MM-DD day at the venue, unix seconds; null for `长期` or anything else. */
function dayEnd(date: string | undefined): number | null {
  if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const t = endOfLocalDay(date);
  return Number.isNaN(t) ? null : t;
}

function dayStart(date: string | undefined): number | null {
  const end = dayEnd(date);
  return end === null ? null : end - 86_399;
}

/** Whole years from a `YYYY-MM-DD` birth date to the local day at `now`; -1 without a date. */
export function ageOn(birth: string | undefined, now: number): number {
  const b = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birth ?? '');
  if (!b) return -1;
  const [y, m, d] = localDay(now).split('-').map(Number) as [number, number, number];
  return y - Number(b[1]) - (m < Number(b[2]) || (m === Number(b[2]) && d < Number(b[3])) ? 1 : 0);
}

/** True when `now` falls in one of the venue's opening windows (or it has none). */
export function isOpen(venue: Venue, now: number): boolean {
  if (!venue.hours) return true;
  const { weekday, minute } = localWeekMinute(now);
  const m = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  return venue.hours.some((w) => (w.days ?? [1, 2, 3, 4, 5, 6, 7]).includes(weekday) && minute >= m(w.from) && minute < m(w.to));
}

/** The per-person replay key: a hash of the holder's `iss|sub`, or of the document type and number. */
export function personKey(source: Source, issuer: string | null, sub: string | null, attrs: Attributes): string | null {
  let id: string | null = null;
  if ((source === 'YSS1' || source === 'HC1') && issuer && sub) id = `code|${issuer}|${sub}`;
  else if ((source === 'idcard' || source === 'mrz') && attrs.doc_no) id = `doc|${attrs.doc_type ?? ''}|${attrs.doc_no}`;
  return id === null ? null : createHash('sha256').update(id).digest('base64url').slice(0, 22);
}

interface Read {
  source: Source;
  issuer: string | null;
  code_type: string | null;
  sub: string | null;
  attrs: Attributes;
  health: Readonly<YssHealth> | null;
  /** A code's own `subject.name_masked`, shown when the full name was not disclosed. */
  nameMasked?: string;
  body: Record<string, unknown>;
}

/** `d` turned into a refusal for `reason`: nothing kept, remembered or done; the venue's words if it has some. */
export function refuseDecision(venue: Venue, d: PolicyDecision, reason: Reason): PolicyDecision {
  return { ...d, accepted: false, reason, personal: null, remember: { cti: null, person: null }, effects: [], words: venue.refusals?.[reason] ?? null };
}

/** The person's token and the hall-wide rules a ticket falls under, or nothing when none. */
function hallRules(oneActive: boolean, onePerDay: boolean, person: string | undefined): { person?: string; rules?: HallRule[] } {
  const rules: HallRule[] = [...(oneActive ? ['one_active' as const] : []), ...(onePerDay ? ['one_per_day' as const] : [])];
  return rules.length && person ? { person, rules } : {};
}

export function decideVenue(venue: Venue, reading: Reading, verdict: VerifyResult | null, look: PolicyLookups): PolicyDecision {
  const base: PolicyDecision = {
    accepted: false,
    reason: null,
    source: 'other',
    issuer: null,
    code_type: null,
    replayed: false,
    display: {},
    event_type: venue.event,
    body: { venue: venue.name },
    personal: null,
    remember: { cti: null, person: null },
    effects: [],
    words: null,
  };
  const refuse = (d: PolicyDecision, reason: Reason) => refuseDecision(venue, d, reason);

  // 1. The input is one the venue takes.
  let read: Read;
  if (reading.kind === 'code') {
    const v = verdict;
    if (!v) return refuse(base, 'not_a_code'); // the daemon verifies every code first; nothing to judge without it
    const d = { ...base, source: (v.family ?? 'other') as Source, issuer: v.issuer, code_type: v.type, replayed: v.replayed };
    d.body = { ...base.body, family: v.family, issuer: v.issuer, type: v.type, replayed: v.replayed };
    const claims = v.claims;
    if (!v.family) return refuse(d, 'not_a_code');
    if (!v.valid || claims === null) return refuse(d, v.reason ?? 'malformed');
    const entries = (venue.inputs.codes ?? []).filter((c) => c.type === v.type);
    if (!entries.length) return refuse(d, 'type_not_allowed');
    if (!entries.some((c) => !c.issuers || c.issuers.includes(v.issuer ?? ''))) return refuse(d, 'issuer_not_accepted');
    const yss = claims.family === 'YSS1' ? claims : null;
    const attrs = yss ? codeAttributes(yss) : {};
    const credentialOk = (c: (typeof entries)[number]) => !c.credential_types || c.credential_types.includes(attrs.credential_type ?? '');
    if (!entries.some((c) => (!c.issuers || c.issuers.includes(v.issuer ?? '')) && credentialOk(c))) return refuse(d, 'type_not_allowed');
    if (venue.trust_max_age_s !== undefined && (look.trustAge === null || look.trustAge > venue.trust_max_age_s)) return refuse(d, 'trust_list_too_old');
    // A health code that carries no health map has an unknown status, never none to judge.
    const health = yss?.health ?? (v.type === 'health' ? { status: null, as_of: null } : null);
    read = { source: d.source, issuer: v.issuer, code_type: v.type, sub: claims.sub, attrs, health, nameMasked: yss?.subject?.name_masked, body: d.body };
    base.source = d.source;
    base.issuer = d.issuer;
    base.code_type = d.code_type;
    base.replayed = d.replayed;
  } else if (reading.kind === 'idcard') {
    const cardType = String(reading.card.card_type ?? '');
    const d = { ...base, source: 'idcard' as const, body: { ...base.body, source: 'idcard', card_type: cardType } };
    if (!venue.inputs.idcard?.card_types.includes(cardType as never)) return refuse(d, 'input_not_accepted');
    if (reading.card.id_number_valid === false) return refuse(d, 'id_number_invalid');
    read = { source: 'idcard', issuer: null, code_type: null, sub: null, attrs: cardAttributes(reading.card), health: null, body: d.body };
    base.source = 'idcard';
  } else {
    const code = String(reading.fields.document_code ?? '');
    const d = { ...base, source: 'mrz' as const, body: { ...base.body, source: 'mrz', document_code: code } };
    const taken = venue.inputs.mrz?.document_codes.some((c) => (c.length === 1 ? code.startsWith(c) : code === c)) ?? false;
    if (!taken) return refuse(d, 'input_not_accepted');
    if (reading.fields.valid === false) return refuse(d, 'id_number_invalid');
    read = { source: 'mrz', issuer: null, code_type: null, sub: null, attrs: mrzAttributes(reading.fields), health: null, body: d.body };
    base.source = 'mrz';
  }
  const d: PolicyDecision = { ...base, body: read.body };
  const { attrs } = read;

  // 2. Open now.
  if (!isOpen(venue, look.now)) return refuse(d, 'outside_hours');

  // 3. The document's own validity (ID cards, passports, e-certificates).
  const until = dayEnd(attrs.valid_until);
  if (until !== null && until < look.now) return refuse(d, 'document_expired');
  const from = dayStart(attrs.valid_from);
  if (read.code_type === 'credential' && from !== null && from > look.now) return refuse(d, 'not_yet_valid');

  // 4. Health, wherever the venue judges it: a missing status is a refusal, never a pass.
  if (venue.health) {
    if (read.health || venue.health.required) {
      const status = read.health?.status;
      if (status !== 'green' && status !== 'yellow' && status !== 'red') return refuse(d, 'health_status_unknown');
      if (!venue.health.statuses.includes(status)) return refuse(d, 'health_status');
      const asOf = read.health?.as_of;
      if (venue.health.max_age_s !== undefined && (typeof asOf !== 'number' || look.now - asOf > venue.health.max_age_s)) return refuse(d, 'health_status_stale');
    }
  }

  // 5. Authorization and required attributes.
  const personal = read.code_type === 'personal';
  if (personal && venue.scope && !(attrs.scope ?? '').split(',').includes(venue.scope)) return refuse(d, 'authorization_required');
  const missing = (venue.require?.attributes ?? []).filter((a) => attrs[a] === undefined);
  if (missing.length) return refuse({ ...d, body: { ...d.body, missing } }, personal ? 'authorization_required' : 'identity_required');

  // 6. The venue's data feeds: on a list, then anti-passback and capacity.
  let admit: Admission | undefined;
  if (venue.access) {
    const a = admission(venue, read, look);
    if ('reason' in a) return refuse({ ...d, body: { ...d.body, ...a.body } }, a.reason);
    admit = a.admit;
    d.body = { ...d.body, ...a.body };
  }

  // 6b. Meeting attendance: on the roster of a meeting open now; the first scan signs in.
  let signedIn: Extract<AttendanceAnswer, { effect: unknown }> | undefined;
  if (venue.attendance) {
    const a = attendanceStep(venue, { source: read.source, issuer: read.issuer, sub: read.sub, docNo: attrs.doc_no }, look.now, look.access, look.attendance);
    if ('reason' in a) return refuse({ ...d, body: { ...d.body, ...a.body } }, a.reason);
    signedIn = a;
    d.body = { ...d.body, ...a.body };
  }

  // The person's key (a hash of the code's issuer and subject, or of the document) and their token
  // in this hall today (a hash of it with the hall and the day): what the hall-wide rules compare.
  const key = personKey(read.source, read.issuer, read.sub, attrs);
  const hallWide = venue.appointments !== undefined || venue.actions.some((a) => a.do === 'print-ticket' && a.one_active);
  const hallToken = key && hallWide ? hallPerson(venue.name, localDay(look.now), key) : undefined;

  // 6c. Appointment sign-in: today's appointment found in the feed, signed by the venue's rules.
  let appt: Extract<AppointmentAnswer, { placement: unknown }> | undefined;
  // A walk-in's department picked on the kiosk (`walk_ins: pick`): its action's ticket, its hours already checked.
  let department: string | undefined;
  if (venue.appointments) {
    const a = appointmentStep(venue, { source: read.source, issuer: read.issuer, sub: read.sub, docNo: attrs.doc_no, person: hallToken }, look.now, look.access, look.appointments, look.category ?? null);
    if ('reason' in a) {
      const r = refuse({ ...d, body: { ...d.body, ...a.body } }, a.reason);
      // The venue's own words win; else the step's, which name the time or the number (too early: come back at 08:30).
      return a.words && !r.words ? { ...r, words: a.words } : r;
    }
    d.body = { ...d.body, ...a.body };
    if ('placement' in a) appt = a;
    else if (a.service) department = a.service;
  }

  // 7. Replay: per code (the verifier's memory) or per person within a time.
  let replayed = read.source === 'YSS1' && d.replayed;
  if (venue.replay.per === 'person' && key) {
    const last = look.lastSeen(key);
    const within = venue.replay.within_s ?? VENUE_DEFAULTS.replay_within_s;
    if (last !== null && look.now - last < within) {
      if (venue.replay.on_replay === 'refuse') return refuse({ ...d, replayed: true }, 'replayed');
      replayed = true;
    }
  }

  // 8. The ticket's category (print-ticket `categories`): open now, and no active number of this person in it.
  const ticket = ticketAction(venue);
  let category: TicketCategory | null = null;
  let person: string | undefined;
  let override = false;
  if (ticket && !department) {
    const cats = ticketCategories(ticket);
    category = cats.find((c) => c.prefix === look.category) ?? cats[0]!;
    if (!openIn(category.hours, look.now)) return refuse({ ...d, body: { ...d.body, category: category.prefix, hours: hoursText(category.hours) } }, 'category_closed');
    if (ticket.one_active && hallToken) {
      person = hallToken;
      const active = look.activeTicket?.(category.prefix, person) ?? null;
      if (active !== null && !look.staffOverride) return refuse({ ...d, body: { ...d.body, category: category.prefix, active } }, 'already_in_queue');
      override = active !== null;
    }
  }

  // Only a personal code's cti is remembered (codes.md §5 step 13), until it expires.
  const claims = verdict?.claims;
  const cti = reading.kind === 'code' && claims?.family === 'YSS1' && claims.type === 'personal' && !verdict?.replayed ? { cti: claims.cti, until: claims.exp + look.skew } : null;
  const kept = Object.fromEntries(venue.record.fields.filter((f) => attrs[f] !== undefined).map((f) => [f, attrs[f]!]));
  return {
    ...d,
    accepted: true,
    reason: null,
    replayed,
    body: { ...d.body, replayed },
    display: display(venue, read),
    personal: Object.keys(kept).length ? kept : null,
    remember: { cti, person: venue.replay.per === 'person' && key && !replayed ? { key, at: look.now } : null, ...(admit ? { admit } : {}), ...(signedIn?.signIn ? { signIn: signedIn.signIn } : {}), ...(appt ? { appointment: appt.signIn } : {}) },
    effects: [...(signedIn ? [signedIn.effect] : []), ...actionsFor(venue, appt?.service ?? department).map((a): PlannedEffect => {
      switch (a.do) {
        case 'print-ticket': {
          // The first print-ticket action takes the picked category; any other keeps its own.
          // A sign-in's ticket is its appointment's action's own, whatever was picked.
          const c = a === ticket && category && !appt && !department ? category : ticketCategories(a)[0]!;
          return {
            kind: 'ticket',
            prefix: c.prefix,
            // A sign-in's ticket names the appointment's service (a hospital's department).
            service: appt?.service ?? c.service,
            numbers: a.numbers ?? VENUE_DEFAULTS.numbers,
            ...(c.daily_cap !== undefined ? { daily_cap: c.daily_cap } : {}),
            ...(appt
              ? { appointment: appt.placement, ...(appt.placement.first && !appt.placement.late ? { priority: 'appointment' as const } : {}) }
              : a.elderly_age !== undefined && ageOn(attrs.birth_date, look.now) >= a.elderly_age
                ? { priority: 'elderly' as const }
                : {}),
            ...(c.service_minutes !== undefined ? { service_minutes: c.service_minutes } : {}),
            ...hallRules(a === ticket && person !== undefined, appt !== undefined && (venue.appointments?.one_per_day ?? true) && hallToken !== undefined, hallToken),
            ...(a.priority_labels ? { labels: a.priority_labels } : {}),
            ...(a === ticket && override ? { override: 'one_active' as const } : {}),
          };
        }
        case 'open-gate':
          return { kind: 'gate', relay: a.relay, pulse_ms: a.pulse_ms ?? VENUE_DEFAULTS.pulse_ms, ...(a.pass_sensor ? { pass_sensor: a.pass_sensor, grant_s: a.grant_s ?? VENUE_DEFAULTS.grant_s } : {}) };
        case 'collect-details':
          return { kind: 'collect-details', fields: a.fields };
      }
    })],
    words: null,
    guest: guestRead(venue, read),
  };
}

/**
 * The actions an accepted reading makes happen. A venue with `appointments` issues one ticket: that
 * of the `print-ticket` action whose `service` is the appointment's (a hospital's department, or
 * its pharmacy), else its first `print-ticket` action (a walk-in, or a service no action names).
 */
function actionsFor(venue: Venue, service: string | undefined): Venue['actions'] {
  if (!venue.appointments) return venue.actions;
  const tickets = venue.actions.filter((a) => a.do === 'print-ticket');
  const chosen = tickets.find((a) => a.service === service) ?? tickets[0];
  return venue.actions.filter((a) => a.do !== 'print-ticket' || a === chosen);
}

/**
 * Step 6 (docs/feeds.md, "How a gate decides"): the feeds are fresh enough, the holder is on the
 * access list now or has a booking for the slot running now, was not admitted within the
 * anti-passback time, and the slot and the day have room for the party. The event body records
 * which feed versions decided and what admitted the holder, never who.
 */
function admission(venue: Venue, read: Read, look: PolicyLookups): { admit: Admission; body: Record<string, unknown> } | { reason: Reason; body: Record<string, unknown> } {
  const rule = venue.access!;
  const a = look.access;
  const versions: Record<string, number | null> = {};
  let stale = !a;
  for (const kind of rule.lists) {
    const f = a?.feed(kind) ?? null;
    versions[kind] = f?.version ?? null;
    if (!f || (rule.max_feed_age_s !== undefined && f.age_s > rule.max_feed_age_s)) stale = true;
  }
  const body: Record<string, unknown> = { feeds: versions };
  if (stale || !a) return { reason: 'feed_too_old', body };

  let holder: string | null = null;
  if ((read.source === 'YSS1' || read.source === 'HC1') && read.issuer && read.sub) holder = holderOfCode(read.issuer, read.sub);
  else if ((read.source === 'idcard' || read.source === 'mrz') && read.attrs.doc_no) {
    const salt = a.salt();
    holder = salt ? holderOfDocument(salt, read.attrs.doc_no) : null;
  }
  if (!holder) return { reason: 'not_on_list', body };

  const day = localDay(look.now);
  // Entry and exit readers (docs/feeds.md#entry-and-exit-readers): an exit lets out whoever is inside.
  const paired = rule.exit_readers !== undefined;
  if (paired && rule.exit_readers!.includes(look.device ?? '')) {
    body.direction = 'exit';
    const n = a.inside?.(holder) ?? null;
    if (n === null) return { reason: 'anti_passback', body };
    body.party = n;
    body.occupancy = (a.occupancy?.() ?? n) - n;
    return { admit: { holder, day, slot: null, n, direction: 'exit' }, body };
  }
  if (paired) body.direction = 'entry';
  const { weekday, minute } = localWeekMinute(look.now);
  let why: Reason = 'not_on_list';
  let found: { list: FeedKind; slot: string | null; n: number; cap?: number } | null = null;
  if (rule.lists.includes('access')) {
    for (const r of a.rows('access', holder)) {
      if (r.valid_from && day < r.valid_from) why = 'access_not_yet_valid';
      else if (r.valid_until && day > r.valid_until) why = why === 'not_on_list' ? 'access_expired' : why;
      else if ((r.days && !r.days.includes(weekday)) || (r.segments && !r.segments.some((s) => minute >= minuteOf(s.from) && minute < minuteOf(s.to)))) why = 'outside_hours';
      else {
        found = { list: 'access', slot: null, n: 1 };
        break;
      }
    }
  }
  if (!found && rule.lists.includes('bookings')) {
    const early = Math.floor((rule.early_s ?? 0) / 60);
    for (const r of a.rows('bookings', holder)) {
      if (r.date !== day) continue;
      if (minute >= minuteOf(r.from) - early && minute < minuteOf(r.to)) {
        found = { list: 'bookings', slot: `${r.from}-${r.to}`, n: r.party, cap: r.slot_capacity };
        break;
      }
      if (why === 'not_on_list') why = 'wrong_slot';
    }
  }
  if (!found) return { reason: why, body };
  body.admitted_by = found.list;
  body.party = found.n;
  if (found.slot) body.slot = found.slot;

  if (paired) {
    if ((a.inside?.(holder) ?? null) !== null) return { reason: 'anti_passback', body };
  } else {
    const last = a.lastPassage(holder);
    if (rule.anti_passback_s !== undefined && last !== null && look.now - last < rule.anti_passback_s) return { reason: 'anti_passback', body };
  }
  const perSlot = Math.min(rule.capacity?.per_slot ?? Infinity, found.cap ?? Infinity);
  // A shared slot (docs/feeds.md#capacity-shares): this terminal's count within the share the service granted it.
  const limit = rule.capacity?.shares && perSlot !== Infinity && found.slot ? (a.share?.(day, found.slot) ?? 0) : perSlot;
  if (found.slot && limit !== Infinity && a.admitted(day, found.slot) + found.n > limit) return { reason: 'slot_full', body };
  if (rule.capacity?.per_day !== undefined && a.admitted(day, '') + found.n > rule.capacity.per_day) return { reason: 'day_full', body };
  if (paired) body.occupancy = (a.occupancy?.() ?? 0) + found.n;
  return { admit: { holder, day, slot: found.slot, n: found.n, ...(paired ? { direction: 'entry' as const } : {}) }, body };
}

function display(venue: Venue, read: Read): Display {
  const out: Display = {};
  const { attrs } = read;
  for (const field of venue.show ?? ['name_masked', 'health']) {
    switch (field) {
      case 'name_masked': {
        const masked = attrs.name ? maskName(attrs.name) : read.nameMasked;
        if (masked) out.name_masked = masked;
        break;
      }
      case 'health': {
        const s = read.health?.status;
        if (s === 'green' || s === 'yellow' || s === 'red') out.health = s;
        break;
      }
      case 'credential_type':
        if (attrs.credential_type) out.credential_type = attrs.credential_type;
        break;
      case 'credential_no_masked':
        if (attrs.credential_no) out.credential_no_masked = maskNumber(attrs.credential_no);
        break;
      case 'holder_masked':
        if (attrs.holder) out.holder_masked = maskName(attrs.holder);
        break;
      case 'issuer_name':
        if (attrs.issuer_name) out.issuer_name = attrs.issuer_name;
        break;
      case 'valid_until':
        if (attrs.valid_until) out.valid_until = attrs.valid_until;
        break;
    }
  }
  return out;
}
