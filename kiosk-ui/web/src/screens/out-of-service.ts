import { h } from '../dom.ts';
import type { Ctx } from '../view.ts';
import { warning } from './icons.ts';

export function outOfService(ctx: Ctx): HTMLElement {
  return h(
    'section',
    { class: 'screen screen-oos', 'data-screen': 'out-of-service' },
    warning(),
    h('h1', {}, ctx.t('oos.title')),
    h('p', { class: 'lead' }, ctx.t('oos.body')),
  );
}
