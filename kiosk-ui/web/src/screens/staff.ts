// The staff panel: why a terminal is unhappy, at a glance. No personal data is shown here.
import type { StaffOverview } from '../../../../terminal/src/api/messages.ts';
import { h } from '../dom.ts';
import { degradedText, reasonKeys } from '../i18n.ts';
import type { Ctx } from '../view.ts';
import type { Note } from './result.ts';

/** "3 min" style durations in the current language. */
export function duration(ctx: Ctx, ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return ctx.t('unit.s', { n: s });
  if (s < 7200) return ctx.t('unit.min', { n: Math.round(s / 60) });
  if (s < 172_800) return ctx.t('unit.h', { n: Math.round(s / 3600) });
  return ctx.t('unit.d', { n: Math.round(s / 86_400) });
}

const time = (ms: number) => new Date(ms).toTimeString().slice(0, 8);

/** `extra`: the venue's own staff section (the desk's stays), shown above the terminal's state. */
export function staff(ctx: Ctx, o: StaffOverview, notice?: Note, override = false, extra?: HTMLElement | null): HTMLElement {
  const { t, dispatch } = ctx;
  const hl = o.health;
  // Health timestamps are Unix ms except the trust list's, which are Unix seconds (daemon's TrustHealth).
  const ago = (at: number | null) => (at === null ? t('staff.never') : t('staff.ago', { d: duration(ctx, o.now - at) }));
  const kv = (k: Parameters<Ctx['t']>[0], v: string | number, attr?: string) => [h('dt', {}, t(k)), h('dd', attr ? { 'data-field': attr } : {}, String(v))];
  const table = (caption: string, head: string[], rows: (string | number)[][]) =>
    h(
      'table',
      {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.length ? rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, String(c))))) : h('tr', {}, h('td', { colspan: head.length }, t('staff.none')))),
    );
  return h(
    'section',
    { class: 'screen screen-staff', 'data-screen': 'staff' },
    h(
      'div',
      { class: 'staff-head' },
      h('h1', {}, t('staff.title')),
      h('button', { type: 'button', class: 'btn', 'data-action': 'test-ticket', onclick: () => dispatch({ type: 'test-ticket' }) }, t('staff.testTicket')),
      override ? h('button', { type: 'button', class: 'btn', 'data-action': 'ticket-override', onclick: () => dispatch({ type: 'ticket-override' }) }, t('staff.override')) : null,
      h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'close', onclick: () => dispatch({ type: 'home' }) }, t('staff.close')),
    ),
    notice && h('p', { class: 'notice', role: 'status', 'data-notice': notice.key }, t(notice.key, notice.vars)),
    extra,
    h(
      'div',
      { class: 'staff-grid' },
      h(
        'dl',
        { class: 'details' },
        kv('staff.status', `${hl.status === 'ok' ? '✓' : '⚠'} ${t(hl.status === 'ok' ? 'staff.status.ok' : 'staff.status.degraded')}`, 'status'),
        hl.degraded.length > 0 && kv('staff.degraded', hl.degraded.map((c) => degradedText(ctx.lang, c)).join(ctx.lang === 'en' ? '; ' : '；'), 'degraded'),
        kv('staff.terminal', hl.terminal_id ?? t('staff.none')),
        kv('staff.version', hl.version),
        kv('staff.scenario', hl.scenario),
        kv('staff.backlog', hl.queue.backlog, 'backlog'),
        kv('staff.oldest', hl.queue.oldest_unsent_age_s === null ? t('staff.none') : duration(ctx, hl.queue.oldest_unsent_age_s * 1000), 'oldest'),
        kv('staff.sync', ago(hl.sync.last_success_at), 'last-sync'),
        kv('staff.sync.state', t(`staff.sync.${hl.sync.state}`), 'sync-state'),
        kv('staff.trust.sequence', hl.trust.sequence ?? t('staff.none'), 'trust-sequence'),
        kv('staff.trust.age', `${ago(hl.trust.issued_at === null ? null : hl.trust.issued_at * 1000)}${hl.trust.stale ? ` (⚠ ${t('staff.trust.stale')})` : ''}`, 'trust-age'),
      ),
      table(
        t('staff.devices'),
        [t('staff.device.id'), t('staff.device.role'), t('staff.device.state'), t('staff.device.detail')],
        hl.devices.map((d) => [d.id, t(`staff.role.${d.role}`), `${d.state === 'connected' ? '✓' : '⚠'} ${t(`staff.state.${d.state}`)}`, d.detail ?? '']),
      ),
      table(
        t('staff.feeds'),
        [t('staff.feed.name'), t('staff.feed.version'), t('staff.sync')],
        o.feeds.map((f) => [f.name, f.version ?? t('staff.none'), ago(f.updated_at)]),
      ),
      table(
        t('staff.recent'),
        [t('staff.recent.time'), t('staff.recent.result'), t('staff.recent.source')],
        o.recent.slice(0, 10).map((v) => [
          time(v.at),
          v.accepted ? `✓ ${t('result.accepted')}` : `✗ ${t(reasonKeys(v.reason).reason)}`,
          t(`source.${v.source}`),
        ]),
      ),
    ),
  );
}
