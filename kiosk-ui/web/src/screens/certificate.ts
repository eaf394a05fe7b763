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
  if (v.display.credential_no_masked) rows.push(h('dt', {}, t('certificate.number')), h('dd', {}, v.display.credential_no_masked));
  if (v.display.holder_masked) rows.push(h('dt', {}, t('certificate.holder')), h('dd', {}, v.display.holder_masked));
  if (v.display.valid_until) rows.push(h('dt', {}, t('certificate.valid_until')), h('dd', {}, v.display.valid_until));
  const issuer = v.display.issuer_name ?? v.issuer;
  if (issuer) rows.push(h('dt', {}, t('certificate.issuer')), h('dd', {}, issuer));
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
