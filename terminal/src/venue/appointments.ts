// Appointment sign-in (venue `appointments`, docs/hospital.md): the holder's appointments for
// today are looked up offline in the `appointments` feed (a hall's bookings, or a hospital's
// registrations from its HIS); the one whose sign-in is open now is signed by the venue's rules
// (venues.md §3): early sign-in forbidden, unlimited or N minutes before the slot; late after the
// slot's end and a grace; one booking per person per day. Pure: what it reads comes through the
// lookups, and the sign-in is recorded by the pipeline in the reading's own transaction.
import { minuteOf, type AppointmentRow } from '../protocol/index.ts';
import { localDay, localWeekMinute, type AppointmentPlacement, type PlacementRule, type Reason, type Source } from '../scenarios/index.ts';
import { holderOfRead } from './attendance.ts';
import { departments, hoursText, openIn } from './categories.ts';
import { VENUE_DEFAULTS } from './schema.ts';
import type { Venue, Words } from './types.ts';

/** A sign-in already recorded today. */
export interface AppointmentSignedIn {
  slot: string;
  service: string;
  /** Unix seconds. */
  at: number;
  /** The ticket number it got, once committed. */
  number: string | null;
}

/** What the step reads besides the feed: today's sign-ins of a holder. */
export interface AppointmentLookups {
  signedIn(day: string, holder: string): AppointmentSignedIn[];
  /**
   * The person's sign-in of the day at any machine of the hall, as the hall last said (by the
   * person's token of the day; docs/hall.md, "One booking per person per day"), or null.
   * `at`: unix ms.
   */
  hallSignedIn?(day: string, person: string): { number: string; at: number } | null;
}

/** A sign-in to record with the reading's event (and its ticket number, once taken). */
export interface AppointmentSignIn {
  day: string;
  holder: string;
  slot: string;
  service: string;
  at: number;
}

export interface AppointmentFeeds {
  feed(kind: 'appointments'): { version: number; age_s: number } | null;
  salt(): string | null;
  rows(kind: 'appointments', holder: string): AppointmentRow[];
}

export type AppointmentAnswer =
  | { reason: Reason; body: Record<string, unknown>; words?: Words }
  /** No appointment today and the venue gives walk-ins a normal ticket; `service`: the department picked (`walk_ins: pick`). */
  | { walkIn: true; body: Record<string, unknown>; service?: string }
  | { body: Record<string, unknown>; placement: AppointmentPlacement; service: string; signIn: AppointmentSignIn };

const DEFAULT_RULE: PlacementRule = { place: 'end' };

/** `HH:MM` of a minute of the day. */
function hhmm(minute: number): string {
  const m = Math.max(0, minute);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** The registration number's digits (`A012` → 12), for 按挂号号序; none without digits. */
export function registrationOrder(number: string | undefined): number | undefined {
  const d = /(\d{1,6})$/.exec(number ?? '');
  return d ? Number(d[1]) : undefined;
}

/** The minute of the day sign-in opens for a slot starting at `from`, by the venue's rule (-1: any time today). */
export function signInOpens(venue: Venue, from: number): number {
  const rule = venue.appointments ?? {};
  switch (rule.early_sign_in ?? VENUE_DEFAULTS.appointment_early_sign_in) {
    case 'unlimited':
      return -1;
    case 'forbidden':
      return from;
    default:
      return from - (rule.early_min ?? VENUE_DEFAULTS.appointment_early_min);
  }
}

function tooEarly(slot: string, opens: string): Words {
  return {
    reason: { 'zh-CN': `您预约的时段是 ${slot},现在还不能签到`, 'zh-HK': `您預約的時段是 ${slot},現在還不能簽到`, en: `Your appointment is at ${slot}; sign-in has not opened yet` },
    next: { 'zh-CN': `请于 ${opens} 后再来签到`, 'zh-HK': `請於 ${opens} 後再來簽到`, en: `Please come back at ${opens}` },
  };
}

function already(number: string | null, at: string): Words {
  const n = number ?? '';
  return {
    reason: { 'zh-CN': `您今天已于 ${at} 签到${n ? `,号码 ${n}` : ''}`, 'zh-HK': `您今天已於 ${at} 簽到${n ? `,號碼 ${n}` : ''}`, en: `You signed in today at ${at}${n ? `, number ${n}` : ''}` },
    next: { 'zh-CN': '请留意叫号屏;如已过号,请到服务台(分诊台)重新签到', 'zh-HK': '請留意叫號屏;如已過號,請到服務台(分診台)重新簽到', en: 'Please watch the calling screen; if your number was missed, ask at the desk' },
  };
}

export function appointmentStep(
  venue: Venue,
  who: { source: Source; issuer: string | null; sub: string | null; docNo: string | undefined; /** The person's token in the hall today (policy.ts `hallPerson`), for the hall-wide one-a-day rule. */ person?: string | undefined },
  now: number,
  feeds: AppointmentFeeds | undefined,
  seen: AppointmentLookups | undefined,
  /** The prefix tapped on the kiosk for this reading (`walk_ins: pick`), or null. */
  picked: string | null = null,
): AppointmentAnswer {
  const rule = venue.appointments ?? {};
  const f = feeds?.feed('appointments') ?? null;
  const body: Record<string, unknown> = { feeds: { appointments: f?.version ?? null } };
  if (!feeds || !seen || !f || (rule.max_feed_age_s !== undefined && f.age_s > rule.max_feed_age_s)) return { reason: 'feed_too_old', body };
  const day = localDay(now);
  const holder = holderOfRead(who.source, who.issuer, who.sub, who.docNo, feeds.salt());
  const rows = holder ? feeds.rows('appointments', holder).filter((r) => r.date === day) : [];
  if (!holder || !rows.length) {
    const walkIns = rule.walk_ins ?? VENUE_DEFAULTS.appointment_walk_ins;
    if (walkIns === 'ticket') return { walkIn: true, body: { ...body, appointment: null } };
    if (walkIns === 'pick') return pickedDepartment(venue, picked, now, body);
    return { reason: 'no_appointment', body };
  }
  const done = seen.signedIn(day, holder);
  const clock = (t: number) => hhmm(localWeekMinute(t).minute);
  if ((rule.one_per_day ?? true) && done.length) return { reason: 'already_signed_in', body, words: already(done[0]!.number, clock(done[0]!.at)) };
  // Signed in at another machine of the hall: the hall's list says so (one booking per person per day, hall-wide).
  const elsewhere = (rule.one_per_day ?? true) && who.person ? (seen.hallSignedIn?.(day, who.person) ?? null) : null;
  if (elsewhere) return { reason: 'already_signed_in', body: { ...body, hall_wide: true }, words: already(elsewhere.number, clock(Math.floor(elsewhere.at / 1000))) };
  const open = rows.filter((r) => !done.some((d) => d.slot === `${r.from}-${r.to}` && d.service === r.service));
  if (!open.length) return { reason: 'already_signed_in', body, words: already(done[0]!.number, clock(done[0]!.at)) };
  const { minute } = localWeekMinute(now);
  const grace = rule.late_grace_min ?? VENUE_DEFAULTS.appointment_late_grace_min;
  const slots = open.map((r) => ({ r, from: minuteOf(r.from), to: minuteOf(r.to), opens: signInOpens(venue, minuteOf(r.from)) })).sort((a, b) => a.from - b.from);
  const ready = slots.filter((x) => minute >= x.opens);
  if (!ready.length) {
    const first = slots[0]!;
    return { reason: 'too_early', body: { ...body, opens: hhmm(first.opens) }, words: tooEarly(`${first.r.from}–${first.r.to}`, hhmm(first.opens)) };
  }
  // The slot running or next (not yet late) first; else the latest of those already over.
  const onTime = ready.filter((x) => minute < x.to + grace);
  const pick = onTime[0] ?? ready[ready.length - 1]!;
  const late = minute >= pick.to + grace;
  const slot = `${pick.r.from}-${pick.r.to}`;
  const reg = registrationOrder(pick.r.number);
  const placement: AppointmentPlacement = {
    slot,
    ...(reg !== undefined ? { reg } : {}),
    late,
    first: rule.first ?? true,
    order: rule.order ?? VENUE_DEFAULTS.appointment_order,
    late_rule: (rule.late as PlacementRule | undefined) ?? DEFAULT_RULE,
    missed_rule: (rule.missed as PlacementRule | undefined) ?? DEFAULT_RULE,
  };
  return {
    body: { ...body, appointment: { slot, service: pick.r.service, late } },
    placement,
    service: pick.r.service,
    signIn: { day, holder, slot, service: pick.r.service, at: now },
  };
}

/**
 * `walk_ins: pick` with no registration found: the department tapped for this reading takes a
 * walk-in ticket (queued by the venue's rules: behind the registrations in their slot when they
 * go first); none tapped, the kiosk is asked to offer the departments (`department_needed`); one
 * closed since it was tapped is `category_closed` with its hours.
 */
function pickedDepartment(venue: Venue, picked: string | null, now: number, body: Record<string, unknown>): AppointmentAnswer {
  const dept = departments(venue).find((c) => c.prefix === picked);
  if (!dept) return { reason: 'department_needed', body: { ...body, departments: departments(venue).map((c) => c.prefix) } };
  if (!openIn(dept.hours, now)) return { reason: 'category_closed', body: { ...body, category: dept.prefix, hours: hoursText(dept.hours) } };
  return { walkIn: true, body: { ...body, appointment: null, department: dept.service }, service: dept.service };
}
