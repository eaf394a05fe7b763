// The hall's calling side over HTTP (docs/hall.md, "The calling side"): the window page's routes
// (operators with the `window` role), the hall display's one read-only route, and both pages.
// Every step is decided on the day's folded queue and recorded with the next sequence; a step
// that lost the race for that sequence to another window is decided again on the new state.
import type { onRequestHookHandler } from 'fastify';
import { join } from 'node:path';
import { ServiceError } from './errors.ts';
import { activePersons, applyStep, categories, decideStep, etaMinutes, foldHall, signedInPersons, waitingOrder, type HallState, type HallStep } from './hall-queue.ts';
import { registerPage } from './pages.ts';
import * as S from './schemas.ts';
import type { ServiceApp } from './typed-app.ts';
import type { Storage } from './storage/types.ts';
import { venueDay } from './venue-time.ts';

/** Where `npm run build` puts the window page and the display (scripts/build-ui.ts). */
const HALL_DIST = join(import.meta.dirname, '..', 'hall', 'dist');
/** How often a step is decided again after another window's step took its sequence. */
const STEP_TRIES = 8;
/** The display shows (and speaks) this many of the newest calls. */
export const DISPLAY_CALLS = 8;
/** The window page lists this many of the waiting tickets. */
const WAITING_SHOWN = 50;

/** The hall's day at a unix-ms instant, as the machines number it: the venues' local day. */
export { venueDay as hallDay } from './venue-time.ts';

export function registerHallRoutes(
  app: ServiceApp,
  o: { storage: Storage; now: () => number; authenticateOperator: onRequestHookHandler; terminalRoute: Record<string, unknown> },
): void {
  const { storage, now } = o;
  const windowRoute = { config: { auth: 'operator' as const, role: 'window' as const }, onRequest: o.authenticateOperator };

  async function load(hall: string, day: string): Promise<HallState> {
    const [tickets, steps] = await Promise.all([storage.hallTickets(hall, day), storage.hallSteps(hall, day)]);
    return foldHall(tickets, steps);
  }

  // Typed from the reply schema the window page also imports: a reply that drifts from it fails tsc here and there.
  function stateReply(hall: string, day: string, s: HallState, at: number): S.HallStateReply {
    const cats = categories(s);
    const windows = [...s.windows.values()].sort((a, b) => a.window - b.window);
    const perCat = new Map<string, number>();
    const waiting = waitingOrder(s)
      .map((t) => {
        const ahead = perCat.get(t.category) ?? 0;
        perCat.set(t.category, ahead + 1);
        return {
          number: t.number, category: t.category, priority: t.priority, marked: t.marked, taken_at: t.taken_at, transferred_from: t.transferred_from, placement: t.placement,
          // The person's other number when the hall's rules would have refused this one (issued offline): never the person.
          duplicate_of: t.duplicate && { number: t.duplicate.of, rule: t.duplicate.rule },
          eta_minutes: round1(etaMinutes(s, t.category, ahead)),
        };
      })
      .slice(0, WAITING_SHOWN);
    return {
      hall,
      day,
      seq: s.seq,
      server_time: at,
      // The venue file's priority labels (print-ticket `priority_labels`), as the day's tickets carried them; null when none did.
      labels: s.labels,
      categories: cats.map((c) => ({ ...c, service_minutes: round1(c.service_minutes), eta_minutes: round1(c.eta_minutes) })),
      windows: windows.map((w) => {
        const t = w.current ? s.tickets.get(w.current)! : null;
        const last = w.last_done ? s.tickets.get(w.last_done)! : null;
        return {
          window: w.window,
          clerk: w.clerk,
          paused: w.paused,
          categories: w.categories,
          current: t && { number: t.number, category: t.category, priority: t.priority, calls: t.calls, called_at: t.called_at! },
          last_done: last && { number: last.number, rated: last.rating !== null },
        };
      }),
      waiting,
      // Missed tickets, newest number last: a clerk may call one back (召回, `requeue`).
      missed: [...s.tickets.values()].filter((t) => t.status === 'missed').map((t) => ({ number: t.number, category: t.category, appointment: t.appointment !== null })).slice(-WAITING_SHOWN),
      totals: counts(s),
    };
  }

  app.get('/hall/:hall/state', { ...windowRoute, schema: { params: S.hallParams, response: { 200: S.hallState, ...S.errorReplies } } }, async (req) => {
    const { hall } = req.params;
    const at = now();
    const day = venueDay(at);
    return stateReply(hall, day, await load(hall, day), at);
  });

  app.post('/hall/:hall/steps', { ...windowRoute, bodyLimit: 4 * 1024, schema: { params: S.hallParams, body: S.hallStepBody, response: { 200: S.hallStepReply, ...S.errorReplies } } }, async (req) => {
    const { hall } = req.params;
    const b = req.body;
    if (b.kind === 'requeue' && !b.number) throw new ServiceError('YSS_SYNC_INVALID_BODY', 'a call back (requeue) names the missed ticket: "number"');
    if (b.kind === 'mark' && (!b.number || !b.label)) throw new ServiceError('YSS_SYNC_INVALID_BODY', 'a mark names the waiting "number" and the priority "label" (军人, 残疾人, 孕妇 …)');
    if (b.kind === 'transfer' && !b.to) throw new ServiceError('YSS_SYNC_INVALID_BODY', 'a transfer names the category it moves the ticket to: "to"');
    if (b.kind === 'evaluate' && b.rating === undefined) throw new ServiceError('YSS_SYNC_INVALID_BODY', 'an evaluation gives a "rating" from 1 to 5');
    const clerk = req.operator!.name;
    for (let attempt = 0; attempt < STEP_TRIES; attempt++) {
      const at = now();
      const day = venueDay(at);
      const s = await load(hall, day);
      const d = decideStep(s, { ...b, clerk });
      if ('refused' in d) throw new ServiceError('YSS_SYNC_HALL_STEP_REFUSED', d.refused);
      const seq = s.seq + 1;
      if (!(await storage.appendHallStep(hall, day, seq, d.step as unknown as Record<string, unknown>, at))) continue;
      applyStep(s, d.step, seq, at);
      req.log.info({ hall, day, seq, kind: d.step.kind, window: d.step.window, number: d.step.number, label: d.step.label, clerk }, 'hall step');
      return { seq, step: stepOut(d.step), state: stateReply(hall, day, s, at) };
    }
    // Eight other windows' steps in between: the queue is busier than one decision can keep up with.
    throw new ServiceError('YSS_SYNC_OVERLOADED', 'the hall queue changed under eight tries', 1);
  });

  // What a ticket machine prints under the number: how many wait, and minutes per person ahead.
  app.get('/v1/queue/waiting', { ...o.terminalRoute, schema: { querystring: S.hallQuery, response: { 200: S.queueWaiting, ...S.errorReplies } } }, async (req) => {
    const { hall } = req.query;
    const at = now();
    const day = venueDay(at);
    const s = await load(hall, day);
    return {
      hall,
      day,
      server_time: at,
      categories: categories(s).map((c) => ({
        category: c.category,
        waiting: c.waiting,
        minutes_per_person: c.service_minutes / Math.max(1, c.open_windows),
        // Appointment holders waiting in their slot, called before everyone: who is ahead of the next one (docs/hospital.md).
        first: waitingOrder(s, [c.category]).filter((t) => t.priority === 'appointment').length,
        // Numbers no longer active (completed or missed): a machine's one-active-number record lets them go.
        finished: [...s.tickets.values()].filter((t) => t.category === c.category && (t.status === 'done' || t.status === 'missed')).map((t) => t.number),
        // The hall-wide rules (docs/hall.md): whose number is active here, and who signed in for an appointment today, by the person's token of the day.
        active: activePersons(s, c.category),
        signed_in: signedInPersons(s, c.category),
      })),
    };
  });

  // The hall display reads numbers and windows only: nothing personal, so no sign-in (a wall screen has no keyboard).
  app.get('/hall/:hall/display', { schema: { params: S.hallParams, response: { 200: S.hallDisplay, ...S.errorReplies } } }, async (req) => {
    const { hall } = req.params;
    const at = now();
    const day = venueDay(at);
    const s = await load(hall, day);
    const reply: S.HallDisplayReply = {
      hall,
      day,
      seq: s.seq,
      server_time: at,
      calls: s.calls.slice(0, DISPLAY_CALLS),
      categories: categories(s).map((c) => ({ category: c.category, waiting: c.waiting, eta_minutes: round1(c.eta_minutes) })),
    };
    return reply;
  });

  // The pages sit beside the routes (/hall-window/, /hall-display/), not under /hall/:hall/, so that no hall name can shadow them.
  for (const dir of ['window', 'display']) registerPage(app, `/hall-${dir}`, join(HALL_DIST, dir), `the hall's ${dir} page`);
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function stepOut(s: HallStep) {
  return { kind: s.kind, window: s.window, ...(s.number ? { number: s.number } : {}), ...(s.to ? { to: s.to } : {}), ...(s.rating ? { rating: s.rating } : {}), ...(s.label ? { label: s.label } : {}) };
}

function counts(s: HallState) {
  const c = { taken: 0, waiting: 0, called: 0, done: 0, missed: 0 };
  for (const t of s.tickets.values()) {
    c.taken++;
    if (t.status !== 'pending') c[t.status]++;
  }
  return c;
}
