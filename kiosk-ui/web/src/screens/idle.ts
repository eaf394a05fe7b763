import { h } from '../dom.ts';
import type { Ctx } from '../view.ts';
import { scanIllustration } from './icons.ts';

export function idle(ctx: Ctx): HTMLElement {
  return h(
    'section',
    { class: 'screen screen-idle', 'data-screen': 'idle' },
    h('h1', {}, ctx.t('idle.title')),
    h('p', { class: 'hint' }, ctx.t('idle.hint')),
    scanIllustration(),
    h('p', { class: 'scan-window-label' }, '↓ ', ctx.t('idle.arrow'), ' ↓'),
  );
}
