import type { Effect, VerdictMessage } from '../../../../terminal/src/api/messages.ts';
import { h } from '../dom.ts';
import type { Ctx } from '../view.ts';
import { doneButton } from './result.ts';

type Ticket = Extract<Effect, { kind: 'ticket' }>;

export function ticket(ctx: Ctx, v: VerdictMessage, tk: Ticket): HTMLElement {
  const { t } = ctx;
  return h(
    'section',
    { class: 'screen screen-ticket accepted', 'data-screen': 'ticket', 'data-seq': v.seq },
    h('h1', {}, t('ticket.title')),
    h('p', { class: 'ticket-number' }, tk.number),
    tk.priority === 'elderly' ? h('p', { class: 'ticket-priority', 'data-priority': 'elderly' }, t('ticket.priority_elderly')) : null,
    // An appointment's sign-in (docs/hospital.md): its slot, and whether it came late.
    tk.appointment
      ? h('p', { class: 'ticket-priority', 'data-appointment': tk.appointment.late ? 'late' : 'on-time' }, t(tk.appointment.late ? 'ticket.appointment_late' : 'ticket.appointment', { slot: tk.appointment.slot }))
      : null,
    h('dl', { class: 'details' }, h('dt', {}, t('ticket.service')), h('dd', {}, tk.service), ...(tk.appointment && v.display.name_masked ? [h('dt', {}, t('result.name')), h('dd', { 'data-name': '' }, v.display.name_masked)] : [])),
    tk.issued_today === undefined ? null : h('p', { class: 'lead' }, t('ticket.issued', { n: tk.issued_today })),
    // A hall ticket (it has an id): who waits ahead and the estimated wait, when the hall answered lately (docs/hall.md).
    tk.id === undefined
      ? null
      : tk.ahead === undefined
        ? h('p', { class: 'lead', 'data-waiting': 'unknown' }, t('ticket.waiting_unknown'))
        : h('p', { class: 'lead', 'data-waiting': String(tk.ahead) }, t('ticket.waiting', { n: tk.ahead, m: tk.eta_minutes ?? 0 })),
    h('p', { class: 'next' }, t('ticket.next')),
    doneButton(ctx),
  );
}
