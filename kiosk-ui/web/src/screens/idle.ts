import type { TicketCategories } from '../../../../terminal/src/api/messages.ts';
import { h } from '../dom.ts';
import type { Ctx } from '../view.ts';
import { scanIllustration } from './icons.ts';

/** The idle screen; a ticket machine with several categories asks for one first (docs/hall.md, "Categories"). */
export function idle(ctx: Ctx, tickets?: TicketCategories | null, picked?: string | null): HTMLElement {
  const chosen = tickets?.categories.find((c) => c.prefix === picked) ?? null;
  // A hospital's departments (docs/hospital.md): asked for once a reading found no registration, then shown again.
  const dept = tickets?.departments === true;
  const hint = chosen ? (dept ? ctx.t('idle.department_picked', { service: chosen.service }) : ctx.t('idle.category_picked', { service: chosen.service })) : tickets ? ctx.t(dept ? 'idle.departments' : 'idle.categories') : ctx.t('idle.hint');
  return h(
    'section',
    { class: 'screen screen-idle', 'data-screen': 'idle' },
    h('h1', {}, ctx.t('idle.title')),
    tickets ? categoryButtons(ctx, tickets, chosen?.prefix ?? null) : null,
    h('p', { class: 'hint', 'data-hint': chosen ? 'picked' : tickets ? (dept ? 'departments' : 'categories') : 'scan' }, hint),
    tickets ? null : scanIllustration(),
    h('p', { class: 'scan-window-label' }, '↓ ', ctx.t('idle.arrow'), ' ↓'),
  );
}

function categoryButtons(ctx: Ctx, tickets: TicketCategories, picked: string | null): HTMLElement {
  return h(
    'div',
    { class: 'categories', role: 'group', 'aria-label': ctx.t(tickets.departments ? 'idle.departments_label' : 'idle.categories') },
    tickets.categories.map((c) =>
      h(
        'button',
        {
          type: 'button',
          class: c.open ? 'btn category' : 'btn category category-closed',
          'data-category': c.prefix,
          'aria-pressed': c.prefix === picked ? 'true' : 'false',
          disabled: !c.open,
          onclick: () => ctx.dispatch({ type: 'category', prefix: c.prefix }),
        },
        h('span', { class: 'category-service' }, c.service),
        h('span', { class: 'category-state' }, c.open ? ctx.t('idle.category_open') : ctx.t('idle.category_closed', { hours: c.hours })),
      ),
    ),
  );
}
