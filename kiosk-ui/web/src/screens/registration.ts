// Hotel check-in: room number and guest count typed on the keypad, then sent to the daemon.
import { h } from '../dom.ts';
import type { MessageKey } from '../i18n.ts';
import type { Ctx } from '../view.ts';
import { keypad } from './keypad.ts';

export interface RegistrationState {
  field: 'room' | 'guests';
  room: string;
  guests: string;
  error?: MessageKey;
  /** The guest of this reading is already in a stay: the screen offers check-out. */
  inHouse?: { room: string; guest_id: number };
}

export function registration(ctx: Ctx, r: RegistrationState): HTMLElement {
  const { t, dispatch } = ctx;
  const field = (name: 'room' | 'guests', label: MessageKey, value: string) =>
    h(
      'button',
      { type: 'button', class: 'btn field', 'aria-pressed': String(r.field === name), 'data-field': name, 'data-focus': `field-${name}`, onclick: () => dispatch({ type: 'field', field: name }) },
      h('span', { class: 'field-label' }, t(label)),
      h('output', { class: 'field-value' }, value || '–'),
    );
  return h(
    'section',
    { class: 'screen screen-registration', 'data-screen': 'registration' },
    h('h1', {}, t('registration.title')),
    r.inHouse &&
      h(
        'div',
        { class: 'notice', 'data-in-house': r.inHouse.room },
        h('p', {}, t('registration.inHouse', { room: r.inHouse.room })),
        h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'checkout', onclick: () => dispatch({ type: 'checkout-scan' }) }, t('registration.checkout')),
      ),
    h('div', { class: 'fields' }, field('room', 'registration.room', r.room), field('guests', 'registration.guests', r.guests)),
    r.error && h('p', { class: 'error', role: 'alert' }, '⚠ ', t(r.error)),
    keypad(ctx),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'btn', 'data-action': 'cancel', onclick: () => dispatch({ type: 'home' }) }, t('registration.cancel')),
      h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'submit', onclick: () => dispatch({ type: 'submit' }) }, t('registration.submit')),
    ),
  );
}
