// A ticket machine's categories (业务类型, docs/hall.md "Categories"): the print-ticket action's
// own prefix is the first and the default, `categories` adds the others. Each has its own
// sequence, hours, cap and service time; the machine-wide options (numbers, block, elderly_age,
// one_active) stay on the action.
import { createHash } from 'node:crypto';
import { localWeekMinute } from '../scenarios/index.ts';
import type { Action, OpeningWindow, TicketCategory, Venue } from './types.ts';

export type TicketAction = Extract<Action, { do: 'print-ticket' }>;

/** The categories of a print-ticket action, the default (the action's own prefix) first. */
export function ticketCategories(a: TicketAction): TicketCategory[] {
  const first: TicketCategory = {
    prefix: a.prefix,
    service: a.service,
    ...(a.hours ? { hours: a.hours } : {}),
    ...(a.daily_cap !== undefined ? { daily_cap: a.daily_cap } : {}),
    ...(a.service_minutes !== undefined ? { service_minutes: a.service_minutes } : {}),
  };
  return [first, ...(a.categories ?? [])];
}

/** The venue's first print-ticket action, or null: the one whose categories the kiosk offers. */
export function ticketAction(venue: Venue): TicketAction | null {
  return venue.actions.find((a): a is TicketAction => a.do === 'print-ticket') ?? null;
}

/**
 * The departments a walk-in picks at a venue with `appointments.walk_ins: pick` (a hospital,
 * docs/hospital.md): the print-ticket actions named by `appointments.departments` in that order,
 * else every one; each offered as its own first category (prefix, service, hours). Empty otherwise.
 */
export function departments(venue: Venue): TicketCategory[] {
  if (venue.appointments?.walk_ins !== 'pick') return [];
  const tickets = venue.actions.filter((a): a is TicketAction => a.do === 'print-ticket');
  const named = venue.appointments.departments;
  const chosen = named ? named.flatMap((s) => tickets.filter((a) => a.service === s)) : tickets;
  return chosen.map((a) => ticketCategories(a)[0]!);
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/** True when `now` (unix seconds) falls in one of the windows, or there are none. */
export function openIn(hours: readonly OpeningWindow[] | undefined, now: number): boolean {
  if (!hours) return true;
  const { weekday, minute } = localWeekMinute(now);
  return hours.some((w) => (w.days ?? [1, 2, 3, 4, 5, 6, 7]).includes(weekday) && minute >= minutes(w.from) && minute < minutes(w.to));
}

/** The windows as people read them: `08:30–12:00` (weekdays named only when not every day). */
export function hoursText(hours: readonly OpeningWindow[] | undefined): string {
  if (!hours) return '';
  return hours.map((w) => `${w.days && w.days.length < 7 ? `${weekdays(w.days)} ` : ''}${w.from}–${w.to}`).join(', ');
}

function weekdays(days: readonly number[]): string {
  const names = ['一', '二', '三', '四', '五', '六', '日'];
  return `周${[...days].sort((a, b) => a - b).map((d) => names[d - 1]).join('')}`;
}

/** Problems the schema cannot see: prefixes repeated across categories, windows that end before they start. */
export function categoryProblems(venue: Venue, prefix: string): string[] {
  const out: string[] = [];
  venue.actions.forEach((a, i) => {
    if (a.do !== 'print-ticket') return;
    const seen = new Set<string>();
    ticketCategories(a).forEach((c, j) => {
      const at = j === 0 ? `${prefix}.actions[${i}]` : `${prefix}.actions[${i}].categories[${j - 1}]`;
      if (seen.has(c.prefix)) out.push(`${at}.prefix: "${c.prefix}" is already another category's prefix; each category needs its own`);
      seen.add(c.prefix);
      c.hours?.forEach((w, k) => {
        if (minutes(w.to) <= minutes(w.from)) out.push(`${at}.hours[${k}]: "to" (${w.to}) must be after "from" (${w.from})`);
      });
    });
  });
  const named = venue.appointments?.departments ?? [];
  const services = venue.actions.flatMap((a) => (a.do === 'print-ticket' ? [a.service] : []));
  named.forEach((s, i) => {
    if (!services.includes(s)) out.push(`${prefix}.appointments.departments[${i}]: "${s}" is no print-ticket action's service; expected one of ${services.join(', ')}`);
  });
  if (named.length && venue.appointments?.walk_ins !== 'pick') out.push(`${prefix}.appointments.departments: only read with walk_ins "pick" (it is "${venue.appointments?.walk_ins ?? 'ticket'}")`);
  return out;
}

/**
 * The person as the hall knows them for `one_active`: a hash of the per-person key (itself a hash
 * of the code's issuer and subject, or of the document) with the hall and the day, so the same
 * person is one token on every machine of the hall that day and a different one the next day.
 */
export function hallPerson(hall: string, day: string, personKey: string): string {
  return createHash('sha256').update(`yss-hall-person\0${hall}\0${day}\0${personKey}`).digest('base64url').slice(0, 22);
}
