// A foreign guest alone at a self-service kiosk (venue stay.self_details) enters what the passport's
// MRZ does not carry, right after the keypad step: the same fields the clerk adds on the staff
// panel, in large inputs, each checked here with its own message before the daemon checks again.
import { h } from '../dom.ts';
import type { MessageKey } from '../i18n.ts';
import type { Ctx } from '../view.ts';

export type GuestDetailField = 'visa_type' | 'visa_no' | 'entry_date' | 'entry_port';

/** The visa categories of the 出境入境管理法 and its rules, and a residence permit. */
export const VISA_TYPES = ['L', 'M', 'F', 'Q1', 'Q2', 'S1', 'S2', 'Z', 'X1', 'X2', 'J1', 'J2', 'C', 'D', 'G', 'R', 'RESIDENCE'] as const;

export interface GuestDetailsState {
  /** The reading the guest was registered from. */
  seq: number;
  room: string;
  /** The venue's `stay.foreign_details`, in its order. */
  fields: readonly GuestDetailField[];
  values: Record<GuestDetailField, string>;
  errors: Partial<Record<GuestDetailField, MessageKey>>;
  /** The daemon refused what passed here (the message is the daemon's). */
  failed?: string;
}

const MISSING: Record<GuestDetailField, MessageKey> = {
  visa_type: 'guestDetails.error.visa_type.missing',
  visa_no: 'guestDetails.error.visa_no.missing',
  entry_date: 'guestDetails.error.entry_date.missing',
  entry_port: 'guestDetails.error.entry_port.missing',
};
const PORT = /^[\p{L}\p{N} .\-/()]{1,40}$/u;

/**
 * Each asked field's problem, or none: `today` is the local day (YYYY-MM-DD) an entry date may
 * not be after. Values are trimmed; the visa number is upper-cased, as printed.
 */
export function checkGuestDetails(fields: readonly GuestDetailField[], raw: Record<GuestDetailField, string>, today: string): { values: Record<GuestDetailField, string>; errors: Partial<Record<GuestDetailField, MessageKey>> } {
  const values = { visa_type: raw.visa_type.trim(), visa_no: raw.visa_no.trim().toUpperCase(), entry_date: raw.entry_date.trim(), entry_port: raw.entry_port.trim() };
  const errors: Partial<Record<GuestDetailField, MessageKey>> = {};
  for (const f of fields) {
    const v = values[f];
    if (!v) errors[f] = MISSING[f];
    else if (f === 'visa_type' && !(VISA_TYPES as readonly string[]).includes(v)) errors[f] = 'guestDetails.error.visa_type.missing';
    else if (f === 'visa_no' && !/^[A-Z0-9]{5,20}$/.test(v)) errors[f] = 'guestDetails.error.visa_no.format';
    else if (f === 'entry_date' && !validDate(v)) errors[f] = 'guestDetails.error.entry_date.format';
    else if (f === 'entry_date' && v > today) errors[f] = 'guestDetails.error.entry_date.future';
    else if (f === 'entry_port' && !PORT.test(v)) errors[f] = 'guestDetails.error.entry_port.format';
  }
  return { values, errors };
}

function validDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

export function guestDetails(ctx: Ctx, s: GuestDetailsState): HTMLElement {
  const { t, dispatch } = ctx;
  const field = (f: GuestDetailField): HTMLElement => {
    const error = s.errors[f];
    const errId = `gd-${f}-error`;
    const common = {
      id: `gd-${f}`,
      name: f,
      class: 'gd-input',
      'data-focus': `gd-${f}`,
      'aria-invalid': error ? 'true' : 'false',
      ...(error ? { 'aria-describedby': errId } : {}),
      // Typing changes state only; the screen is not rebuilt under the guest's fingers.
      oninput: (e: Event) => (s.values[f] = (e.target as HTMLInputElement | HTMLSelectElement).value),
    };
    const input =
      f === 'visa_type'
        ? h(
            'select',
            common,
            h('option', { value: '', selected: s.values.visa_type === '' ? '' : null }, t('guestDetails.choose')),
            VISA_TYPES.map((v) => h('option', { value: v, selected: s.values.visa_type === v ? '' : null }, v === 'RESIDENCE' ? t('guestDetails.type.RESIDENCE') : v)),
          )
        : h('input', {
            ...common,
            value: s.values[f],
            type: 'text',
            autocomplete: 'off',
            maxlength: f === 'entry_date' ? 10 : f === 'visa_no' ? 20 : 40,
            ...(f === 'entry_date' ? { inputmode: 'numeric', placeholder: t('guestDetails.datePlaceholder') } : {}),
            ...(f === 'entry_port' ? { placeholder: t('guestDetails.portPlaceholder') } : {}),
            ...(f === 'visa_no' ? { autocapitalize: 'characters', spellcheck: 'false' } : {}),
          });
    return h(
      'div',
      { class: `gd-field${error ? ' gd-invalid' : ''}`, 'data-field': f },
      h('label', { for: `gd-${f}` }, t(`stays.details.${f}`)),
      input,
      error && h('p', { class: 'error', id: errId, role: 'alert', 'data-error': error }, '⚠ ', t(error)),
    );
  };
  return h(
    'section',
    { class: 'screen screen-guest-details', 'data-screen': 'guest-details' },
    h('h1', {}, t('guestDetails.title')),
    h('p', { class: 'gd-intro' }, t('guestDetails.intro')),
    h(
      'form',
      {
        class: 'gd-form',
        novalidate: '',
        onsubmit: (e: Event) => {
          e.preventDefault();
          dispatch({ type: 'guest-details-save' });
        },
      },
      s.fields.map(field),
      s.failed && h('p', { class: 'error', role: 'alert', 'data-error': 'failed' }, '⚠ ', t('guestDetails.failed'), h('br'), s.failed),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'btn', 'data-action': 'later', onclick: () => dispatch({ type: 'home' }) }, t('guestDetails.later')),
        h('button', { type: 'submit', class: 'btn btn-primary', 'data-action': 'submit' }, t('guestDetails.save')),
      ),
    ),
  );
}
