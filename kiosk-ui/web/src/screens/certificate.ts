import type { VerdictMessage } from '../../../../terminal/src/api/messages.ts';
import { h } from '../dom.ts';
import type { Ctx } from '../view.ts';
import { tick } from './icons.ts';
import { details, doneButton } from './result.ts';

/** A verified credential or health certificate: what it is and until when, never more. */
export function certificate(ctx: Ctx, v: VerdictMessage): HTMLElement {
  const { t } = ctx;
  const rows: HTMLElement[] = [];
  if (v.display.credential_type) rows.push(h('dt', {}, t('certificate.type')), h('dd', {}, v.display.credential_type));
  if (v.display.valid_until) rows.push(h('dt', {}, t('certificate.valid_until')), h('dd', {}, v.display.valid_until));
  if (v.issuer) rows.push(h('dt', {}, t('certificate.issuer')), h('dd', {}, v.issuer));
  return h(
    'section',
    { class: 'screen screen-certificate accepted', 'data-screen': 'certificate', 'data-seq': v.seq },
    tick(),
    h('h1', {}, t('certificate.title')),
    h('p', { class: 'lead' }, t('result.accepted')),
    details(ctx, v),
    rows.length > 0 && h('dl', { class: 'details' }, rows),
    doneButton(ctx),
  );
}
