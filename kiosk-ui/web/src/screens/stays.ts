// The desk's guests today, inside the staff panel (venues with a `stay` section): each room's
// stay with its masked guests, where each registration stands against its police deadline, and
// the clerk's actions: a foreign guest's visa and entry, a head count that differs, check-out by
// guest or by room. Names are masked; no document number ever reaches this page.
import type { GuestView, StaysOverview, StayView } from '../../../../terminal/src/api/messages.ts';
import { h } from '../dom.ts';
import type { Ctx } from '../view.ts';

export const COUNT_REASONS = ['child_without_document', 'guest_arriving_later', 'guest_left', 'count_entered_wrong'] as const;
export const DETAIL_FIELDS = ['visa_type', 'visa_no', 'entry_date', 'entry_port'] as const;
export type DetailField = (typeof DETAIL_FIELDS)[number];

/**
 * The form being filled, kept in state so a refresh does not lose what was typed: a foreign
 * guest's details, or the correction of a report the police rejected (docs/police.md).
 */
export interface DetailsForm {
  mode: 'details' | 'correct';
  guest: number;
  name: string;
  fields: ('doc_no' | DetailField)[];
  values: Record<string, string>;
}

/** A police report's cell: its state, the gateway's reason for a rejection, and its alert. */
function policeCell(ctx: Ctx, g: GuestView): HTMLElement {
  const { t } = ctx;
  const p = g.out_at !== null && g.police_out ? g.police_out : g.police;
  if (!p) return h('td', { 'data-field': 'police', 'data-police': 'unknown' }, t('stays.police.unknown'));
  const icon = p.state === 'accepted' ? '✓' : p.state === 'rejected' || p.alert ? '⚠' : '…';
  return h(
    'td',
    { 'data-field': 'police', 'data-police': p.state, class: p.state === 'rejected' || p.alert === 'overdue' ? 'alert alert-overdue' : p.alert === 'due_soon' ? 'alert alert-due_soon' : '' },
    `${icon} ${t(`stays.police.${p.state}`)}`,
    p.state === 'rejected' && p.reason ? ` (${p.reason})` : '',
    p.alert ? ` · ${t(`stays.alert.${p.alert}`)}` : '',
  );
}

/** `HH:MM` on the day of `now`, `MM-DD HH:MM` on another day. */
function when(ms: number, now: number): string {
  const d = new Date(ms);
  const hhmm = d.toTimeString().slice(0, 5);
  if (d.toDateString() === new Date(now).toDateString()) return hhmm;
  return `${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')} ${hhmm}`;
}

function guestRow(ctx: Ctx, s: StayView, g: GuestView, now: number): HTMLElement {
  const { t, dispatch } = ctx;
  const out = g.out_at !== null;
  return h(
    'tr',
    { 'data-guest': g.id, 'data-alert': out ? 'out' : g.alert },
    h('td', {}, g.name_masked, g.main ? ` (${t('stays.main')})` : ''),
    h('td', {}, t(`stays.category.${g.category}`)),
    h('td', { class: `alert alert-${out ? 'out' : g.alert}` }, out ? t('stays.out') : `${g.alert === 'complete' ? '✓' : '⚠'} ${t(`stays.alert.${g.alert}`)}`),
    h('td', { 'data-field': 'deadline' }, when(g.deadline_at, now)),
    policeCell(ctx, g),
    h(
      'td',
      {},
      g.police?.state === 'rejected' &&
        h('button', { type: 'button', class: 'btn', 'data-action': 'correct', onclick: () => dispatch({ type: 'stay-correct', guest: g.id, name: g.name_masked, foreign: g.category === 'foreign' }) }, t('stays.correct')),
      !out &&
        g.needs_details &&
        h('button', { type: 'button', class: 'btn', 'data-action': 'details', onclick: () => dispatch({ type: 'stay-details', guest: g.id, name: g.name_masked }) }, t('stays.addDetails')),
      !out && !s.closed && h('button', { type: 'button', class: 'btn', 'data-action': 'checkout-guest', onclick: () => dispatch({ type: 'stay-checkout-guest', guest: g.id }) }, t('stays.checkoutGuest')),
    ),
  );
}

function stayBlock(ctx: Ctx, s: StayView, now: number): HTMLElement {
  const { t, dispatch } = ctx;
  let reason: string = COUNT_REASONS[0];
  return h(
    'article',
    { class: 'stay', 'data-stay': s.id, 'data-room': s.room, 'data-closed': String(s.closed) },
    h(
      'div',
      { class: 'stay-head' },
      h('h3', {}, t('stays.room', { room: s.room })),
      h('span', {}, t('stays.dates', { arrival: s.arrival, departure: s.departure })),
      h('span', { 'data-field': 'count', class: s.count_settled ? '' : 'alert alert-incomplete' }, `${s.count_settled ? '' : '⚠ '}${t('stays.count', { registered: s.registered, head: s.head_count })}`),
      !s.closed && h('button', { type: 'button', class: 'btn', 'data-action': 'checkout-room', onclick: () => dispatch({ type: 'stay-checkout-room', stay: s.id }) }, t('stays.checkoutRoom')),
    ),
    !s.count_settled &&
      !s.closed &&
      h(
        'div',
        { class: 'stay-count' },
        h('label', { for: `reason-${s.id}` }, t('stays.countReason')),
        h(
          'select',
          { id: `reason-${s.id}`, 'data-field': 'reason', onchange: (e: Event) => (reason = (e.target as HTMLSelectElement).value) },
          COUNT_REASONS.map((r) => h('option', { value: r }, t(`stays.reason.${r}`))),
        ),
        h('button', { type: 'button', class: 'btn', 'data-action': 'confirm-count', onclick: () => dispatch({ type: 'stay-count', stay: s.id, reason }) }, t('stays.confirmCount')),
      ),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, [t('stays.guest'), t('stays.category'), t('stays.state'), t('stays.deadline'), t('stays.police'), t('stays.actions')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, s.guests.map((g) => guestRow(ctx, s, g, now))),
    ),
  );
}

function detailsForm(ctx: Ctx, f: DetailsForm): HTMLElement {
  const { t, dispatch } = ctx;
  return h(
    'form',
    {
      class: 'stay-details',
      'data-form': f.mode,
      onsubmit: (e: Event) => {
        e.preventDefault();
        dispatch({ type: 'stay-details-save' });
      },
    },
    h('h3', {}, t(f.mode === 'correct' ? 'stays.correct.title' : 'stays.details.title', { name: f.name })),
    f.fields.map((k) =>
      h(
        'label',
        {},
        h('span', {}, t(`stays.details.${k}`)),
        h('input', {
          name: k,
          value: f.values[k],
          maxlength: k === 'entry_date' ? 10 : 40,
          autocomplete: 'off',
          'data-focus': `details-${k}`,
          // Typing changes state only; the page is not rebuilt under the clerk's fingers.
          oninput: (e: Event) => (f.values[k] = (e.target as HTMLInputElement).value),
        }),
      ),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'btn', 'data-action': 'details-cancel', onclick: () => dispatch({ type: 'stay-details-cancel' }) }, t('stays.details.cancel')),
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-action': 'details-save' }, t('stays.details.save')),
    ),
  );
}

export function stays(ctx: Ctx, o: StaysOverview, form: DetailsForm | null): HTMLElement {
  const { t } = ctx;
  const alarm = o.alerts.overdue > 0 ? 'overdue' : o.alerts.due_soon > 0 ? 'due_soon' : 'none';
  return h(
    'section',
    { class: 'stays', 'data-section': 'stays', 'data-alerts': alarm },
    h('h2', {}, t('stays.title')),
    h('p', { class: `alert alert-${alarm}`, role: alarm === 'none' ? null : 'alert', 'data-field': 'alerts' }, `${alarm === 'none' ? '✓' : '⚠'} ${t('stays.alerts', { overdue: o.alerts.overdue, due: o.alerts.due_soon })}`),
    form && detailsForm(ctx, form),
    (o.police.rejected > 0 || o.police.overdue > 0 || o.police.due_soon > 0) &&
      h('p', { class: `alert alert-${o.police.rejected || o.police.overdue ? 'overdue' : 'due_soon'}`, role: 'alert', 'data-field': 'police-alerts' }, `⚠ ${t('stays.policeAlerts', { rejected: o.police.rejected, overdue: o.police.overdue, due: o.police.due_soon })}`),
    o.stays.length ? o.stays.map((s) => stayBlock(ctx, s, o.now)) : h('p', {}, t('stays.none')),
  );
}
