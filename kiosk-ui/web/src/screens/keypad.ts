// A large on-screen number pad: the kiosk has no keyboard.
import { h } from '../dom.ts';
import type { Ctx } from '../view.ts';

export const DELETE_KEY = 'delete';

export function keypad(ctx: Ctx): HTMLElement {
  const key = (k: string, label: string, cls = '') =>
    h('button', { type: 'button', class: `btn key ${cls}`, 'data-key': k, 'data-focus': `key-${k}`, onclick: () => ctx.dispatch({ type: 'key', key: k }) }, label);
  return h(
    'div',
    { class: 'keypad', role: 'group' },
    ['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => key(d, d)),
    h('span', { class: 'key-spacer' }),
    key('0', '0'),
    key(DELETE_KEY, `⌫ ${ctx.t('registration.delete')}`, 'key-delete'),
  );
}
