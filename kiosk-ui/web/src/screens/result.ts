// Accepted or refused, in words and shape as well as colour, with what to do next.
import type { VerdictMessage } from '../../../../terminal/src/api/messages.ts';
import { h } from '../dom.ts';
import { reasonKeys, type MessageKey } from '../i18n.ts';
import type { Ctx } from '../view.ts';
import { cross, tick } from './icons.ts';

export interface Note {
  key: MessageKey;
  vars?: Record<string, string | number>;
}

export function doneButton(ctx: Ctx): HTMLElement {
  return h('button', { type: 'button', class: 'btn btn-primary btn-done', 'data-action': 'done', onclick: () => ctx.dispatch({ type: 'home' }) }, ctx.t('result.done'));
}

/** Name and health lines shared by the result and certificate screens. */
export function details(ctx: Ctx, v: VerdictMessage): HTMLElement | null {
  const rows: HTMLElement[] = [];
  if (v.display.name_masked) rows.push(h('dt', {}, ctx.t('result.name')), h('dd', {}, v.display.name_masked));
  const health = v.display.health;
  if (health) {
    rows.push(
      h('dt', {}, ctx.t('result.health')),
      h('dd', {}, h('span', { class: `swatch swatch-${health}`, 'aria-hidden': 'true' }), ctx.t(`result.health.${health}`)),
    );
  }
  return rows.length ? h('dl', { class: 'details' }, rows) : null;
}

/** A refusal in the venue's words, in the screen's language, or null for the general ones. */
export function refusalWords(ctx: Ctx, v: VerdictMessage): { reason: string; next: string } | null {
  return v.words ? { reason: v.words.reason[ctx.lang], next: v.words.next[ctx.lang] } : null;
}

/** `extra`: lines a venue adds under an accepted verdict (a returned book). */
export function result(ctx: Ctx, v: VerdictMessage, note?: Note, extra?: HTMLElement): HTMLElement {
  const { t } = ctx;
  if (!v.accepted) {
    const k = reasonKeys(v.reason);
    // The venue's own words where it gave some (a hotel guest is not told about permits to enter).
    const words = refusalWords(ctx, v);
    return h(
      'section',
      { class: 'screen screen-result refused', 'data-screen': 'refused', 'data-seq': v.seq },
      cross(),
      h('h1', {}, t('result.refused')),
      h('p', { class: 'lead reason', 'data-reason': v.reason ?? '' }, words?.reason ?? t(k.reason)),
      h('p', { class: 'next' }, h('strong', {}, t('result.next')), words?.next ?? t(k.next)),
      v.display.owed ? h('p', { class: 'lead note', 'data-owed': v.display.owed }, t('loans.owed', { amount: v.display.owed })) : null,
      doneButton(ctx),
    );
  }
  const gate = v.effects.find((e) => e.kind === 'gate');
  return h(
    'section',
    { class: 'screen screen-result accepted', 'data-screen': 'accepted', 'data-seq': v.seq },
    tick(),
    h('h1', {}, t('result.accepted')),
    details(ctx, v),
    extra ?? null,
    v.replayed && h('p', { class: 'note' }, t('result.replayed')),
    note && h('p', { class: 'lead note', 'data-note': note.key }, t(note.key, note.vars)),
    gate ? h('p', { class: 'lead' }, t('gate.open')) : h('p', { class: 'lead' }, t('result.accepted.next')),
    doneButton(ctx),
  );
}
