// What the kiosk said before a reading at a ticket machine (docs/hall.md, "Categories"): the
// category the visitor tapped, and a staff override of `one_active`. Both hold for the next
// reading only, and only for a minute: the next person at the machine starts from the default.
import type { TicketCategories, TicketDesk } from '../api/index.ts';
import { departments, hoursText, openIn, ticketAction, ticketCategories, type Venue } from '../venue/index.ts';

export const CHOICE_MS = 60_000;

export class TicketChoice {
  private picked: { prefix: string; until: number } | null = null;
  private override: { until: number } | null = null;

  constructor(private readonly nowMs: () => number) {}

  pick(prefix: string): { prefix: string; until: number } {
    this.picked = { prefix, until: this.nowMs() + CHOICE_MS };
    return this.picked;
  }

  /** Staff let the next reading take a number despite an active one. */
  allowAnother(): { until: number } {
    this.override = { until: this.nowMs() + CHOICE_MS };
    return this.override;
  }

  /** What holds now, without using it. */
  peek(): { category: string | null; override: boolean } {
    const now = this.nowMs();
    return { category: this.picked && this.picked.until > now ? this.picked.prefix : null, override: this.override !== null && this.override.until > now };
  }

  /** Uses what holds now for one reading, whatever its verdict. */
  take(): { category: string | null; override: boolean } {
    const got = this.peek();
    this.picked = null;
    if (got.override) this.override = null;
    return got;
  }
}

/** The kiosk's view of the categories and the routes' desk (api/ticket-routes.ts), or null for a venue without a print-ticket action. */
export function ticketDesk(venue: Venue, choice: TicketChoice, now: () => number): (TicketDesk & { categories(): TicketCategories }) | null {
  const action = ticketAction(venue);
  if (!action) return null;
  // A hospital whose walk-ins pick a department offers its departments (each print-ticket action's own category) instead.
  const depts = departments(venue);
  const cats = depts.length ? depts : ticketCategories(action);
  return {
    categories: () => {
      const t = now();
      return {
        categories: cats.map((c) => ({ prefix: c.prefix, service: c.service, hours: hoursText(c.hours), open: openIn(c.hours, t) })),
        picked: choice.peek().category,
        one_active: action.one_active === true,
        ...(depts.length ? { departments: true as const } : {}),
      };
    },
    pick: (prefix) => {
      const c = cats.find((x) => x.prefix === prefix);
      if (!c) return null;
      if (!openIn(c.hours, now())) return { closed: hoursText(c.hours) };
      return { prefix, service: c.service, until: choice.pick(prefix).until };
    },
    allowAnother: () => (action.one_active ? choice.allowAnother() : null),
  };
}
