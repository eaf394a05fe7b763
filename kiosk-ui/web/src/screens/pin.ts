// Staff PIN entry. Digits are shown as dots; the PIN itself is checked by the daemon.
import { h } from '../dom.ts';
import type { Note } from './result.ts';
import type { Ctx } from '../view.ts';
import { keypad } from './keypad.ts';

export function pin(ctx: Ctx, digits: number, error?: Note): HTMLElement {
  const { t, dispatch } = ctx;
  return h(
    'section',
    { class: 'screen screen-pin', 'data-screen': 'pin' },
    h('h1', {}, t('pin.title')),
    h('p', { class: 'pin-dots', 'aria-label': t('pin.label'), role: 'img', 'data-digits': digits }, '●'.repeat(digits) + '○'.repeat(Math.max(0, 4 - digits))),
    error && h('p', { class: 'error', role: 'alert', 'data-error': error.key }, '⚠ ', t(error.key, error.vars)),
    keypad(ctx),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'btn', 'data-action': 'cancel', onclick: () => dispatch({ type: 'home' }) }, t('pin.cancel')),
      h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'submit', onclick: () => dispatch({ type: 'submit' }) }, t('pin.submit')),
    ),
  );
}
