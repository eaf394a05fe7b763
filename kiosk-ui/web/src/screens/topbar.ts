// Always on screen: title, connection badges, language switch, elderly toggle, staff entry.
import { h } from '../dom.ts';
import { LANGS } from '../i18n.ts';
import type { Ctx } from '../view.ts';

export interface Badges {
  reconnecting: boolean;
  offline: boolean;
}

export function topbar(ctx: Ctx, badges: Badges): HTMLElement[] {
  const { t, dispatch } = ctx;
  return [
    h('div', { class: 'brand' }, t('app.title')),
    h(
      'div',
      { class: 'badges', role: 'status' },
      badges.reconnecting && h('span', { class: 'badge badge-reconnecting', 'data-badge': 'reconnecting' }, '⟳ ', t('status.reconnecting')),
      badges.offline && h('span', { class: 'badge badge-offline', 'data-badge': 'offline' }, '⚠ ', t('status.offline')),
    ),
    h(
      'nav',
      { class: 'controls', 'aria-label': t('lang.label') },
      LANGS.map((l) =>
        h(
          'button',
          { type: 'button', class: 'btn btn-lang', lang: l, 'aria-pressed': String(l === ctx.lang), 'data-lang': l, onclick: () => dispatch({ type: 'lang', lang: l }) },
          t(`lang.${l}`),
        ),
      ),
      h(
        'button',
        { type: 'button', class: 'btn btn-elderly', 'aria-pressed': String(ctx.elderly), 'data-action': 'elderly', onclick: () => dispatch({ type: 'elderly' }) },
        t('elderly.on'),
      ),
      h('button', { type: 'button', class: 'btn btn-staff', 'data-action': 'staff', onclick: () => dispatch({ type: 'staff-open' }) }, t('staff.button')),
    ),
  ];
}
