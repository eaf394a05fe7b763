// The hall's calling side (docs/hall.md, "The calling side"): the day's queue of one hall, folded
// from the tickets the machines uploaded and the steps the windows took. Pure: the service reads
// both from its storage, folds, decides a window's step on the result and records it with the
// next sequence (storage.appendHallStep), so every step is an event and the state is never kept
// anywhere but in them.
import type { HallStepRecord, HallTicket } from './storage/types.ts';

/** What a window may do. `call` is 呼叫下一位, `recall` 重呼, `miss` 过号, `pause` 暂停, `transfer` 流转, `complete` 办理完成, `evaluate` 好差评, `mark` a waiting number's priority (军人, 残疾人, 孕妇 …). */
export const STEP_KINDS = ['call', 'recall', 'miss', 'pause', 'transfer', 'complete', 'evaluate', 'mark'] as const;
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

/** Priority levels, highest first: the elderly (from the ticket) and numbers a clerk marked, then everyone else. */
const RANK = { priority: 0, normal: 1 } as const;

/** Used when a category has neither completed services today nor a configured time (minutes). */
export const DEFAULT_SERVICE_MINUTES = 5;

export interface TicketState {
  number: string;
  /** The category it waits in now: its prefix, or where a transfer moved it. */
  category: string;
  priority: 'elderly' | null;
  taken_at: number;
  status: 'waiting' | 'called' | 'done' | 'missed';
  window: number | null;
  called_at: number | null;
  /** How many times it was called (重呼 counts). */
  calls: number;
  transferred_from: string | null;
  rating: number | null;
  /** The priority a clerk marked (a `mark` step), or null. */
  marked: string | null;
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
}

/** Folds the day's tickets and steps (in sequence order) into the queue's state. */
export function foldHall(tickets: readonly HallTicket[], steps: readonly HallStepRecord[]): HallState {
  const s: HallState = { seq: 0, tickets: new Map(), windows: new Map(), calls: [], configured: new Map(), durations: new Map() };
  for (const t of tickets) {
    s.tickets.set(t.number, { number: t.number, category: t.category, priority: t.priority, taken_at: t.taken_at, status: 'waiting', window: null, called_at: null, calls: 0, transferred_from: null, rating: null, marked: null });
    if (t.service_minutes !== null) s.configured.set(t.category, t.service_minutes);
  }
  for (const r of steps) applyStep(s, r.step as unknown as HallStep, r.seq, r.at);
  return s;
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
    case 'mark':
      // Waiting only: a called ticket is at a window already, a finished one is gone.
      if (!t || t.status !== 'waiting' || t.marked !== null || !step.label) return;
      t.marked = step.label;
      return;
  }
}

/** The waiting tickets of the categories named (all when empty), in calling order: priority, then when taken. */
export function waitingOrder(s: HallState, categories: readonly string[] = []): TicketState[] {
  return [...s.tickets.values()]
    .filter((t) => t.status === 'waiting' && (categories.length === 0 || categories.includes(t.category)))
    .sort((a, b) => RANK[rank(a)] - RANK[rank(b)] || a.taken_at - b.taken_at || a.number.localeCompare(b.number));
}

function rank(t: TicketState): keyof typeof RANK {
  return t.priority === 'elderly' || t.marked !== null ? 'priority' : 'normal';
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
    case 'mark': {
      const t = req.number === undefined ? undefined : s.tickets.get(req.number);
      if (!t) return { refused: `no ticket ${req.number} today` };
      if (t.status !== 'waiting') return { refused: `${t.number} is not waiting (${t.status}): only a waiting number can be marked` };
      if (t.marked !== null) return { refused: `${t.number} is already marked ${t.marked}` };
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
