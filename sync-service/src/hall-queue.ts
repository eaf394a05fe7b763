// The hall's calling side (docs/hall.md, "The calling side"): the day's queue of one hall, folded
// from the tickets the machines uploaded and the steps the windows took. Pure: the service reads
// both from its storage, folds, decides a window's step on the result and records it with the
// next sequence (storage.appendHallStep), so every step is an event and the state is never kept
// anywhere but in them.
import type { HallStepRecord, HallTicket } from './storage/types.ts';
import type { HallRule, Placement, PlacementRule } from './storage/activity.ts';

/** What a window may do. `call` is 呼叫下一位, `recall` 重呼, `miss` 过号, `pause` 暂停, `transfer` 流转, `complete` 办理完成, `evaluate` 好差评, `requeue` 召回 (a missed ticket waits again, placed by its rule: docs/hospital.md), `mark` a waiting number's priority (军人, 残疾人, 孕妇 …). */
export const STEP_KINDS = ['call', 'recall', 'miss', 'pause', 'transfer', 'complete', 'evaluate', 'requeue', 'mark'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** A recorded step. `number` is the ticket it concerns (none for a pause). */
export interface HallStep {
  kind: StepKind;
  window: number;
  clerk: string;
  number?: string;
  /** `call`: the categories the window serves; `transfer`: the one category the ticket moves to. */
  categories?: string[];
  to?: string;
  /** `evaluate`: 1 (very dissatisfied) to 5 (very satisfied). */
  rating?: number;
  /** `mark`: the priority the clerk gave the waiting number (军人, 残疾人, 孕妇 …). */
  label?: string;
}

/**
 * Calling-order ranks, highest first: appointment holders in their slot when the venue ranks them
 * first (预约永优先), the elderly and the numbers a clerk marked, everyone else, then those placed
 * at the end of the session (a late arrival or a missed call under the `end` rule).
 */
const RANK = { appointment: 0, elderly: 1, normal: 2, end: 3 } as const;

/** Used when a category has neither completed services today nor a configured time (minutes). */
export const DEFAULT_SERVICE_MINUTES = 5;

export interface TicketState {
  number: string;
  /** The category it waits in now: its prefix, or where a transfer moved it. */
  category: string;
  priority: 'elderly' | 'appointment' | null;
  taken_at: number;
  /** `pending` only inside the fold: uploaded, but not yet in the queue at the point the fold has reached. */
  status: 'pending' | 'waiting' | 'called' | 'done' | 'missed';
  /** Its place in the calling order, compared element by element (a shorter prefix first), then `placed`. */
  key: number[];
  /** The order in which tickets were placed (a tie-break for two placed after the same ticket). */
  placed: number;
  /** An appointment's sign-in: its slot, registration number, whether late, and its placement rules. */
  appointment: Placement | null;
  /** How it was placed when it last joined the queue: `late` and `requeued` name the rule used. */
  placement: string | null;
  window: number | null;
  called_at: number | null;
  /** How many times it was called (重呼 counts). */
  calls: number;
  transferred_from: string | null;
  rating: number | null;
  /** The priority a clerk marked (a `mark` step), or null. */
  marked: string | null;
  /** The person's token of the day under a hall-wide rule (never shown), the rules, and whether staff overrode `one_active`. */
  person: string | null;
  rules: HallRule[];
  override: boolean;
  /**
   * A second ticket the hall's rules would have refused: the person already held `of` (active in
   * the category, or an appointment sign-in that day) when this one was taken, and no staff
   * override was recorded. A machine that could not hear from the hall issued it on its own check
   * (docs/hall.md); it stays in the queue, flagged for the clerk.
   */
  duplicate: { of: string; rule: HallRule } | null;
}

export interface WindowState {
  window: number;
  clerk: string;
  /** The ticket at the window (called, not yet completed, missed or transferred). */
  current: string | null;
  paused: boolean;
  categories: string[];
  /** The last ticket it finished, for the 好差评 that follows. */
  last_done: string | null;
}

export interface CategoryState {
  category: string;
  waiting: number;
  /** Minutes per service: learned from today's completed services (LEARN_AFTER or more), else configured, else the default. */
  service_minutes: number;
  learned_from: number;
  open_windows: number;
  /** Estimated wait of a ticket taken now: waiting × service time ÷ open windows (minutes). */
  eta_minutes: number;
}

export interface HallState {
  seq: number;
  tickets: Map<string, TicketState>;
  windows: Map<number, WindowState>;
  /** The newest calls first (call and recall steps): what the hall display shows and speaks. */
  calls: { seq: number; at: number; number: string; window: number; recall: boolean }[];
  configured: Map<string, number>;
  /** Per category: the durations (ms) of today's completed services. */
  durations: Map<string, number[]>;
  /** Tickets placed so far (the next `placed`). */
  placed: number;
  /** The priority labels a clerk may mark, from the venue file as the newest ticket carrying them had them; null when none did. */
  labels: string[] | null;
}

/**
 * Folds the day's tickets and steps (in sequence order) into the queue's state. A ticket joins the
 * queue when the fold reaches its time (its `taken_at` before the next step's time, or a step that
 * names it): a ticket placed "after N waiting" needs who was waiting then.
 */
export function foldHall(tickets: readonly HallTicket[], steps: readonly HallStepRecord[]): HallState {
  const s: HallState = { seq: 0, tickets: new Map(), windows: new Map(), calls: [], configured: new Map(), durations: new Map(), placed: 0, labels: null };
  let labelsAt = -Infinity;
  for (const t of tickets) {
    s.tickets.set(t.number, {
      number: t.number, category: t.category, priority: t.priority, taken_at: t.taken_at, status: 'pending', key: [], placed: 0,
      appointment: t.placement ?? null, placement: null, window: null, called_at: null, calls: 0, transferred_from: null, rating: null, marked: null,
      person: t.person ?? null, rules: t.rules ?? [], override: t.override ?? false, duplicate: null,
    });
    if (t.service_minutes !== null) s.configured.set(t.category, t.service_minutes);
    if (t.labels && t.taken_at >= labelsAt) [s.labels, labelsAt] = [t.labels, t.taken_at];
  }
  const pending = [...s.tickets.values()].sort((a, b) => a.taken_at - b.taken_at || a.number.localeCompare(b.number));
  let next = 0;
  for (const r of steps) {
    for (; next < pending.length && pending[next]!.taken_at <= r.at; next++) if (pending[next]!.status === 'pending') join(s, pending[next]!);
    const named = (r.step as { number?: unknown }).number;
    const t = typeof named === 'string' ? s.tickets.get(named) : undefined;
    if (t?.status === 'pending') join(s, t); // a clock a little ahead on the machine: the step proves it was there
    applyStep(s, r.step as unknown as HallStep, r.seq, r.at);
  }
  for (; next < pending.length; next++) if (pending[next]!.status === 'pending') join(s, pending[next]!);
  return s;
}

/** Compares two calling-order keys: element by element, a shorter prefix first, then who was placed first. */
function before(a: TicketState, b: TicketState): number {
  for (let i = 0; i < Math.min(a.key.length, b.key.length); i++) if (a.key[i] !== b.key[i]) return a.key[i]! - b.key[i]!;
  return a.key.length - b.key.length || a.placed - b.placed || a.number.localeCompare(b.number);
}

/** Minutes of a `HH:MM` slot start. */
function slotStart(slot: string): number {
  return Number(slot.slice(0, 2)) * 60 + Number(slot.slice(3, 5));
}

/** True while a ticket holds its person's place in its category: waiting or at a window (not done, not missed). */
export function isActive(t: TicketState): boolean {
  return t.status === 'waiting' || t.status === 'called';
}

/**
 * The hall-wide rules at the moment a ticket joins (docs/hall.md): the person's other ticket
 * active in the same category (`one_active`, unless staff overrode it), or their earlier
 * appointment sign-in of the day (`one_per_day`). The fold reaches tickets in the order they were
 * taken, so the first one taken keeps its place and the later one is flagged, whichever machine
 * uploaded first.
 */
function duplicateOf(s: HallState, t: TicketState): TicketState['duplicate'] {
  if (!t.person) return null;
  for (const o of s.tickets.values()) {
    if (o === t || o.person !== t.person || o.status === 'pending') continue;
    if (t.rules.includes('one_active') && !t.override && o.rules.includes('one_active') && o.category === t.category && isActive(o)) return { of: o.number, rule: 'one_active' };
    if (t.rules.includes('one_per_day') && t.appointment && o.rules.includes('one_per_day') && o.appointment) return { of: o.number, rule: 'one_per_day' };
  }
  return null;
}

/** A ticket joins the waiting queue (docs/hospital.md, "Calling order"). */
function join(s: HallState, t: TicketState): void {
  t.duplicate = duplicateOf(s, t);
  t.status = 'waiting';
  const a = t.appointment;
  if (a && a.late) return place(s, t, a.late_rule, t.taken_at, 'late');
  t.placed = s.placed++;
  // Each key ends with `placed`, so no two are equal and "between two tickets" always exists (two taken in one second).
  if (a && a.first) {
    t.priority = 'appointment';
    t.key = [RANK.appointment, slotStart(a.slot), ...(a.order === 'registration' ? [a.reg ?? Number.MAX_SAFE_INTEGER] : []), t.taken_at, t.placed];
  } else t.key = [RANK[t.priority === 'elderly' ? 'elderly' : 'normal'], t.taken_at, t.placed];
}

/** Places a ticket joining at `at` by a rule: as a normal ticket taken then, at the end of the session, or after the first `n` waiting in its category. */
function place(s: HallState, t: TicketState, rule: PlacementRule, at: number, why: 'late' | 'requeued'): void {
  t.priority = null;
  t.placement = `${why}:${rule.place}${rule.place === 'insert_after' ? `:${rule.n}` : ''}`;
  const placed = s.placed++;
  if (rule.place === 'end') t.key = [RANK.end, at, placed];
  else if (rule.place === 'normal') t.key = [RANK.normal, at, placed];
  else {
    const ahead = waitingOrder(s, [t.category]).filter((o) => o !== t);
    const i = Math.min(rule.n, ahead.length) - 1;
    const after = ahead[i];
    const next = ahead[i + 1];
    if (!after) t.key = [RANK.normal, at, placed];
    else {
      // Between `after` and the one behind it: `after`'s key and one element more, below the next's when that extends it.
      const base = after.key;
      const extendsBase = next !== undefined && next.key.length > base.length && base.every((k, j) => next.key[j] === k);
      t.key = [...base, extendsBase ? next.key[base.length]! - 1 : 0];
    }
  }
  t.placed = placed;
}

function windowOf(s: HallState, n: number, clerk: string): WindowState {
  let w = s.windows.get(n);
  if (!w) s.windows.set(n, (w = { window: n, clerk, current: null, paused: false, categories: [], last_done: null }));
  w.clerk = clerk;
  return w;
}

/** Applies one recorded step. A step that no longer fits (it was decided on the same state) changes nothing. */
export function applyStep(s: HallState, step: HallStep, seq: number, at: number): void {
  s.seq = Math.max(s.seq, seq);
  const w = windowOf(s, step.window, step.clerk);
  const t = step.number === undefined ? undefined : s.tickets.get(step.number);
  switch (step.kind) {
    case 'call':
      w.paused = false;
      if (step.categories) w.categories = step.categories;
      if (!t || t.status !== 'waiting') return;
      t.status = 'called';
      t.window = step.window;
      t.called_at = at;
      t.calls++;
      w.current = t.number;
      s.calls.unshift({ seq, at, number: t.number, window: step.window, recall: false });
      return;
    case 'recall':
      if (!t || t.status !== 'called' || t.window !== step.window) return;
      t.calls++;
      s.calls.unshift({ seq, at, number: t.number, window: step.window, recall: true });
      return;
    case 'miss':
      if (!t || t.status !== 'called' || t.window !== step.window) return;
      t.status = 'missed';
      w.current = null;
      return;
    case 'pause':
      w.paused = true;
      return;
    case 'transfer':
      // The person keeps their place rules: the time they took the ticket and their priority.
      if (!t || t.status !== 'called' || t.window !== step.window || !step.to) return;
      t.transferred_from = t.category;
      t.category = step.to;
      t.status = 'waiting';
      t.window = null;
      t.called_at = null;
      w.current = null;
      return;
    case 'complete': {
      if (!t || t.status !== 'called' || t.window !== step.window) return;
      t.status = 'done';
      w.current = null;
      w.last_done = t.number;
      const d = s.durations.get(t.category) ?? [];
      d.push(at - t.called_at!);
      s.durations.set(t.category, d);
      return;
    }
    case 'evaluate':
      if (!t || t.status !== 'done' || step.rating === undefined) return;
      t.rating = step.rating;
      return;
    case 'requeue':
      // 过号 then 召回: back in the queue by the ticket's own missed-call rule (an appointment's), else as if taken now.
      if (!t || t.status !== 'missed') return;
      t.status = 'waiting';
      t.window = null;
      t.called_at = null;
      place(s, t, t.appointment?.missed_rule ?? { place: 'normal' }, at, 'requeued');
      return;
    case 'mark':
      // Waiting only: a called ticket is at a window already, a finished one is gone. A marked
      // number is called with the elderly, by when it was taken; an appointment keeps its rank.
      if (!t || t.status !== 'waiting' || t.marked !== null || !step.label) return;
      t.marked = step.label;
      if (t.key[0]! > RANK.elderly) t.key = [RANK.elderly, t.taken_at, t.placed];
      return;
  }
}

/** The waiting tickets of the categories named (all when empty), in calling order: priority, then when taken. */
export function waitingOrder(s: HallState, categories: readonly string[] = []): TicketState[] {
  return [...s.tickets.values()]
    .filter((t) => t.status === 'waiting' && (categories.length === 0 || categories.includes(t.category)))
    .sort(before);
}

/** Per category, the person tokens of tickets active under `one_active`: what a ticket machine refuses a second number for (GET /v1/queue/waiting). */
export function activePersons(s: HallState, category: string): { person: string; number: string }[] {
  return [...s.tickets.values()].filter((t) => t.person && t.category === category && t.rules.includes('one_active') && isActive(t)).map((t) => ({ person: t.person!, number: t.number }));
}

/** Per category, the day's appointment sign-ins under `one_per_day`, whatever became of them: one booking per person per day. */
export function signedInPersons(s: HallState, category: string): { person: string; number: string; at: number }[] {
  return [...s.tickets.values()]
    .filter((t) => t.person && t.category === category && t.appointment && t.rules.includes('one_per_day') && t.status !== 'pending')
    .map((t) => ({ person: t.person!, number: t.number, at: t.taken_at }));
}

/** Completed services of a category before the hall trusts their mean over the configured time. */
export const LEARN_AFTER = 3;

/** The minutes one service of the category takes: today's mean once LEARN_AFTER were completed, else configured, else the default. */
export function serviceMinutes(s: HallState, category: string): { minutes: number; learned_from: number } {
  const d = s.durations.get(category) ?? [];
  if (d.length >= LEARN_AFTER) return { minutes: d.reduce((a, b) => a + b, 0) / d.length / 60_000, learned_from: d.length };
  return { minutes: s.configured.get(category) ?? DEFAULT_SERVICE_MINUTES, learned_from: 0 };
}

/** Windows open for a category: not paused, and serving it (a window that named no categories serves all). */
export function openWindows(s: HallState, category: string): number {
  let n = 0;
  for (const w of s.windows.values()) if (!w.paused && (w.categories.length === 0 || w.categories.includes(category))) n++;
  return n;
}

/** Estimated wait (minutes) behind `ahead` people: ahead × service time ÷ open windows (one when none is open yet). */
export function etaMinutes(s: HallState, category: string, ahead: number): number {
  return (ahead * serviceMinutes(s, category).minutes) / Math.max(1, openWindows(s, category));
}

export function categories(s: HallState): CategoryState[] {
  const names = new Set<string>();
  for (const t of s.tickets.values()) names.add(t.category);
  return [...names].sort().map((category) => {
    const waiting = waitingOrder(s, [category]).length;
    const m = serviceMinutes(s, category);
    return { category, waiting, service_minutes: m.minutes, learned_from: m.learned_from, open_windows: openWindows(s, category), eta_minutes: etaMinutes(s, category, waiting) };
  });
}

/**
 * The step a window's request becomes on the current state, or why it cannot be taken (a short
 * reason for the error catalog). `call` picks the first waiting ticket in calling order; the other
 * steps concern the ticket at the window.
 */
export function decideStep(
  s: HallState,
  req: { kind: StepKind; window: number; clerk: string; categories?: string[]; to?: string; rating?: number; number?: string; label?: string },
): { step: HallStep } | { refused: string } {
  const w = s.windows.get(req.window);
  const base = { kind: req.kind, window: req.window, clerk: req.clerk };
  switch (req.kind) {
    case 'call': {
      if (w?.current) return { refused: `window ${req.window} still has ${w.current}: complete it, mark it missed or transfer it first` };
      const cats = req.categories ?? w?.categories ?? [];
      const next = waitingOrder(s, cats)[0];
      if (!next) return { refused: cats.length ? `nobody is waiting in ${cats.join(', ')}` : 'nobody is waiting' };
      return { step: { ...base, number: next.number, categories: cats } };
    }
    case 'pause':
      if (w?.current) return { refused: `window ${req.window} still has ${w.current}: complete it, mark it missed or transfer it first` };
      return { step: base };
    case 'evaluate': {
      if (!w?.last_done) return { refused: `window ${req.window} has completed no service to evaluate` };
      const t = s.tickets.get(w.last_done)!;
      if (t.rating !== null) return { refused: `${t.number} is already evaluated` };
      return { step: { ...base, number: t.number, rating: req.rating! } };
    }
    case 'requeue': {
      const t = req.number === undefined ? undefined : s.tickets.get(req.number);
      if (!t) return { refused: `${req.number ?? 'a ticket'} is not a ticket of today` };
      if (t.status !== 'missed') return { refused: `${t.number} is ${t.status}, not missed: only a missed ticket is called back` };
      return { step: { ...base, number: t.number } };
    }
    case 'mark': {
      const t = req.number === undefined ? undefined : s.tickets.get(req.number);
      if (!t) return { refused: `no ticket ${req.number} today` };
      if (t.status !== 'waiting') return { refused: `${t.number} is not waiting (${t.status}): only a waiting number can be marked` };
      if (t.marked !== null) return { refused: `${t.number} is already marked ${t.marked}` };
      // The venue file names the labels (print-ticket `priority_labels`); a hall whose machines named none takes any.
      if (s.labels && !s.labels.includes(req.label!)) return { refused: `"${req.label}" is not one of the hall's priority labels (${s.labels.join(', ')})` };
      return { step: { ...base, number: t.number, label: req.label! } };
    }
    case 'transfer':
      if (!w?.current) return { refused: `window ${req.window} has no ticket to transfer` };
      if (req.to === s.tickets.get(w.current)!.category) return { refused: `${w.current} already waits in ${req.to}` };
      return { step: { ...base, number: w.current, to: req.to! } };
    default:
      if (!w?.current) return { refused: `window ${req.window} has no ticket called` };
      return { step: { ...base, number: w.current } };
  }
}
