// Drawn icons. Shape carries the meaning (tick, cross, triangle) so colour is never the only cue.
import { s } from '../dom.ts';

const svg = (cls: string, ...children: Element[]) =>
  s('svg', { viewBox: '0 0 100 100', class: `icon ${cls}`, 'aria-hidden': 'true', focusable: 'false' }, ...children);

export const tick = () =>
  svg('icon-ok', s('circle', { cx: 50, cy: 50, r: 46 }), s('path', { d: 'M27 52 L43 68 L74 34', class: 'stroke' }));

export const cross = () =>
  svg('icon-no', s('circle', { cx: 50, cy: 50, r: 46 }), s('path', { d: 'M32 32 L68 68 M68 32 L32 68', class: 'stroke' }));

export const warning = () =>
  svg(
    'icon-warn',
    s('path', { d: 'M50 6 L96 90 L4 90 Z' }),
    s('path', { d: 'M50 36 L50 62 M50 72 L50 78', class: 'stroke' }),
  );

/** A phone and an ID card moving towards the scanner window (CSS animates `.mover`). */
export const scanIllustration = () =>
  s(
    'svg',
    { viewBox: '0 0 240 160', class: 'scan-illustration', 'aria-hidden': 'true', focusable: 'false' },
    s(
      'g',
      { class: 'mover' },
      s('rect', { x: 40, y: 8, width: 60, height: 100, rx: 10, class: 'phone' }),
      s('rect', { x: 52, y: 28, width: 36, height: 36, class: 'qr' }),
      s('rect', { x: 58, y: 34, width: 10, height: 10, class: 'qr-dot' }),
      s('rect', { x: 72, y: 48, width: 10, height: 10, class: 'qr-dot' }),
    ),
    s(
      'g',
      { class: 'mover mover-late' },
      s('rect', { x: 124, y: 44, width: 84, height: 54, rx: 6, class: 'phone' }),
      s('circle', { cx: 146, cy: 68, r: 10, class: 'qr-dot' }),
      s('rect', { x: 164, y: 60, width: 34, height: 5, class: 'qr-dot' }),
      s('rect', { x: 164, y: 72, width: 26, height: 5, class: 'qr-dot' }),
    ),
    s('rect', { x: 20, y: 132, width: 200, height: 20, rx: 6, class: 'window' }),
  );
