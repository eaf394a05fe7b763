// A library loan session (venue `loans`, docs/library.md): what the last scan did, how many items
// are lent, whether the library system is away (loans recorded, sent later), and the finish button.
import type { Effect, LoanSessionMessage, VerdictMessage } from '../../../../terminal/src/api/messages.ts';
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

export function loans(ctx: Ctx, session: LoanSessionMessage, last: VerdictMessage): HTMLElement {
  const { t } = ctx;
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
      offline,
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
    offline,
    finish,
  );
}
