// The MIIT elder-mode numbers, measured in the page: largest text >= 30pt (40px), body text
// >= 18pt (24px), line spacing >= 1.3, text contrast >= 7:1, touch targets >= 60x60 px.
import type { Page } from 'playwright-core';

export async function elderlyProblems(page: Page): Promise<string[]> {
  // tsx names arrow functions through a `__name` helper that the page does not have.
  await page.evaluate('window.__name = (f) => f');
  return page.evaluate(() => {
    const problems: string[] = [];
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r = 0, g = 0, b = 0]: number[]) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el: Element | null): number[] => {
      for (; el; el = el.parentElement) {
        const c = rgb(getComputedStyle(el).backgroundColor);
        if (c.length === 3 || (c.length === 4 && (c[3] ?? 0) > 0)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const name = (el: Element) => `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''} "${(el.textContent ?? '').trim().slice(0, 20)}"`;
    for (const b of document.querySelectorAll('button')) {
      const r = b.getBoundingClientRect();
      if (r.width < 60 || r.height < 60) problems.push(`target ${name(b)} is ${r.width}x${r.height}`);
    }
    let largest = 0;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent?.trim()) continue;
      const el = n.parentElement;
      if (!el || el.closest('[aria-hidden="true"]')) continue;
      const cs = getComputedStyle(el);
      const fs = parseFloat(cs.fontSize);
      largest = Math.max(largest, fs);
      if (fs < 24) problems.push(`text ${name(el)} is ${fs}px`);
      const lh = cs.lineHeight === 'normal' ? 0 : parseFloat(cs.lineHeight);
      if (lh / fs < 1.3 - 1e-3) problems.push(`line height of ${name(el)} is ${(lh / fs).toFixed(2)}`);
      const l1 = lum(rgb(cs.color));
      const l2 = lum(background(el));
      const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      if (ratio < 7) problems.push(`contrast of ${name(el)} is ${ratio.toFixed(2)}:1`);
    }
    if (largest < 40) problems.push(`largest text is ${largest}px`);
    return problems;
  });
}
