// A ticket machine's routes (docs/hall.md, "Categories"): the kiosk posts the category a visitor
// tapped before showing a code, and staff signed in with the PIN let the next reading take a
// number although the person has one active (print-ticket `one_active`).
import type { FastifyInstance } from 'fastify';
import type { ActionResult, CategoryPicked, TicketCategories } from './messages.ts';
import { fail, type RouteGuards } from './kiosk-routes.ts';

export interface TicketDesk {
  categories(): TicketCategories;
  /** Holds the category for the next reading; null when it is not one of the venue's. */
  pick(prefix: string): CategoryPicked | { closed: string } | null;
  /** Null when the venue has no `one_active` rule to override. */
  allowAnother(): { until: number } | null;
}

export function ticketRoutes(app: FastifyInstance, guards: RouteGuards, desk: TicketDesk | null): void {
  app.post<{ Body: unknown }>('/api/category', { onRequest: guards.sameOrigin }, async (req, reply) => {
    if (!desk) return fail(reply, 'YSS_API_NO_TICKETS');
    const b = req.body as { prefix?: unknown } | null;
    const prefixes = desk.categories().categories.map((c) => c.prefix);
    if (!b || typeof b !== 'object' || typeof b.prefix !== 'string' || Object.keys(b).some((k) => k !== 'prefix')) {
      return fail(reply, 'YSS_API_BAD_REQUEST', {}, `Expected { prefix: one of ${prefixes.join(', ')} }`);
    }
    const got = desk.pick(b.prefix);
    if (got === null) return fail(reply, 'YSS_API_BAD_REQUEST', {}, `No category "${b.prefix.slice(0, 8)}" here; expected one of ${prefixes.join(', ')}`);
    if ('closed' in got) return fail(reply, 'YSS_API_CATEGORY_CLOSED', {}, `Category ${b.prefix} issues no numbers now; its hours are ${got.closed}`);
    return got;
  });

  app.post('/api/staff/ticket-override', { onRequest: guards.staffOnly }, async (_req, reply) => {
    const got = desk?.allowAnother() ?? null;
    if (!got) return fail(reply, 'YSS_API_NO_TICKETS', {}, 'This venue has no one-active-number rule to override (print-ticket "one_active")');
    const body: ActionResult = { ok: true, detail: `the next reading may take a number despite an active one, until ${new Date(got.until).toISOString()}` };
    return body;
  });
}
