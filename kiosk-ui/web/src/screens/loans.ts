// A library loan session (venue `loans`, docs/library.md): what the last scan did, how many items
// are lent, whether the library system is away (loans recorded, sent later), and the finish button.
import type { Effect, LoanRenewal, LoanSessionMessage, VerdictMessage } from '../../../../terminal/src/api/messages.ts';
import { h } from '../dom.ts';
import { reasonKeys } from '../i18n.ts';
import type { Ctx } from '../view.ts';
import { cross, tick } from './icons.ts';
import { details, refusalWords } from './result.ts';

type Loan = Extract<Effect, { kind: 'loan' }>;

/** `20270101` (SIP2 leaves the format to the ILS) as `2027-01-01`; anything else as written. */
function dueDate(due: string): string {
  return /^\d{8}/.test(due) ? `${due.slice(0, 4)}-${due.slice(4, 6)}-${due.slice(6, 8)}` : due;
}

/** What the last item did, as a line; null for the reader's own code. */
export function loanLine(ctx: Ctx, loan: Loan): HTMLElement {
  const { t } = ctx;
  const what = loan.title ?? loan.item;
  return h(
    'dl',
    { class: 'details', 'data-item': loan.item },
    h('dt', {}, t(loan.op === 'checkout' ? 'loans.item' : 'loans.returned')),
    h('dd', {}, what),
    loan.due ? [h('dt', {}, t('loans.due')), h('dd', {}, dueDate(loan.due))] : null,
  );
}

/** What the renew button did, a line per book. */
function renewalLines(ctx: Ctx, r: LoanRenewal): HTMLElement {
  const { t } = ctx;
  if (r.ils !== 'done') return h('p', { class: 'note', 'data-renewal': r.ils }, t(r.ils === 'refused' ? 'loans.renew.denied' : 'loans.renew.away'));
  return h(
    'ul',
    { class: 'details', 'data-renewal': 'done' },
    r.renewed.map((b) => h('li', { 'data-item': b.item, 'data-renewed': '1' }, t('loans.renew.ok', { title: b.title ?? b.item, due: b.due ? dueDate(b.due) : '' }))),
    r.refused.map((b) => h('li', { 'data-item': b.item, 'data-renewed': '0' }, t('loans.renew.refused', { title: b.title ?? b.item, why: b.message ?? '' }))),
  );
}

export function loans(ctx: Ctx, session: LoanSessionMessage, last: VerdictMessage, renewal?: LoanRenewal): HTMLElement {
  const { t } = ctx;
  const owed = session.owed ? h('p', { class: 'lead note', 'data-owed': session.owed }, t('loans.owed', { amount: session.owed })) : null;
  const renew = (session.on_loan ?? 0) > 0 && !renewal
    ? h('button', { type: 'button', class: 'btn', 'data-action': 'loans-renew', onclick: () => ctx.dispatch({ type: 'loans-renew' }) }, t('loans.renew', { n: session.on_loan ?? 0 }))
    : null;
  const renewed = renewal ? renewalLines(ctx, renewal) : null;
  const loan = last.effects.find((e): e is Loan => e.kind === 'loan');
  const count = h('p', { class: 'lead', 'data-items': session.items }, t('loans.count', { n: session.items, max: session.max_items }));
  const offline = session.offline || loan?.ils === 'queued' ? h('p', { class: 'note', 'data-offline': '1' }, t('loans.offline')) : null;
  const finish = h('button', { type: 'button', class: 'btn btn-primary btn-done', 'data-action': 'loans-finish', onclick: () => ctx.dispatch({ type: 'loans-finish' }) }, t('loans.finish'));
  if (!last.accepted) {
    const k = reasonKeys(last.reason);
    const words = refusalWords(ctx, last);
    return h(
      'section',
      { class: 'screen screen-result refused', 'data-screen': 'loans', 'data-seq': last.seq },
      cross(),
      h('h1', {}, t('result.refused')),
      h('p', { class: 'lead reason', 'data-reason': last.reason ?? '' }, words?.reason ?? t(k.reason)),
      h('p', { class: 'next' }, h('strong', {}, t('result.next')), words?.next ?? t(k.next)),
      count,
      owed,
      offline,
      renewed,
      renew,
      finish,
    );
  }
  return h(
    'section',
    { class: 'screen screen-result accepted', 'data-screen': 'loans', 'data-seq': last.seq },
    tick(),
    h('h1', {}, t(loan ? 'loans.lent' : 'loans.title')),
    loan ? loanLine(ctx, loan) : details(ctx, last),
    count,
    h('p', { class: 'next' }, t('loans.next')),
    owed,
    offline,
    renewed,
    renew,
    finish,
  );
}
