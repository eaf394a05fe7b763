import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEGRADED_CODES } from '../../../terminal/src/api/index.ts';
import { CATALOGS, DEGRADED, degradedText, LANGS, REASONS, reasonKeys, t } from './i18n.ts';

test('every catalog has exactly the same keys, none empty', () => {
  const keys = Object.keys(CATALOGS['zh-CN']).sort();
  for (const lang of LANGS) {
    assert.deepEqual(Object.keys(CATALOGS[lang]).sort(), keys, lang);
    for (const [k, v] of Object.entries(CATALOGS[lang])) assert.ok(v.trim().length > 0, `${lang} ${k} is empty`);
  }
});

test('every refusal reason has words and a next step in every language', () => {
  for (const lang of LANGS) {
    for (const reason of Object.keys(REASONS) as (keyof typeof REASONS)[]) {
      const k = reasonKeys(reason);
      assert.equal(k.reason, `reason.${reason}`);
      assert.ok(t(lang, k.reason).length > 1 && t(lang, k.next).length > 1, `${lang} ${reason}`);
    }
  }
});

test("every degraded code the daemon reports has staff words in every language", () => {
  const codes = DEGRADED_CODES.map((c) => (c === 'device' ? 'device_scanner-1' : c === 'feed' ? 'feed_access' : c));
  assert.deepEqual(Object.keys(DEGRADED).sort(), DEGRADED_CODES.filter((c) => c !== 'device' && c !== 'feed').sort());
  for (const lang of LANGS) {
    const seen = new Set<string>();
    for (const code of codes) {
      const words = degradedText(lang, code);
      assert.notEqual(words, t(lang, 'degraded.unknown', { code }), `${lang} ${code} is translated`);
      assert.ok(!words.includes('_') || code.startsWith('device_') || code.startsWith('feed_'), `${lang} ${code}: no raw code shown (${words})`);
      seen.add(words);
    }
    assert.equal(seen.size, codes.length, `${lang}: each code has its own words`);
  }
  assert.equal(degradedText('en', 'device_printer-2'), 'Device printer-2 not connected');
  assert.equal(degradedText('zh-CN', 'from_a_newer_daemon' as never), '其他问题（from_a_newer_daemon）');
});

test('an unknown or missing reason falls back to generic words', () => {
  assert.deepEqual(reasonKeys(null), { reason: 'reason.unknown', next: 'next.unknown' });
  assert.deepEqual(reasonKeys('from_a_newer_daemon' as never), { reason: 'reason.unknown', next: 'next.unknown' });
});

test('placeholders are filled and unknown ones left visible', () => {
  assert.equal(t('en', 'ticket.issued', { n: 3 }), 'Tickets issued before yours today: 3');
  assert.equal(t('en', 'ticket.issued'), 'Tickets issued before yours today: {n}');
});

test('Traditional and Simplified catalogs differ where the scripts differ', () => {
  assert.equal(t('zh-CN', 'idle.title'), '请出示粤省事码');
  assert.equal(t('zh-HK', 'idle.title'), '請出示粵省事碼');
  assert.equal(t('en', 'idle.title'), 'Please show your code');
});

test('every catalog key is used by the renderer, so none goes stale', () => {
  const src = join(import.meta.dirname);
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []));
  const code = files(src).map((f) => readFileSync(f, 'utf8')).join('\n');
  // Keys built from data (`reason.${r}`, `staff.state.${s}`, `lang.${l}`...) count as used by their prefix.
  const dynamic = [...code.matchAll(/`([a-z.]+)\.\$\{/g)].map((m) => `${m[1]}.`);
  const unused = Object.keys(CATALOGS.en).filter((k) => !code.includes(`'${k}'`) && !dynamic.some((p) => k.startsWith(p)));
  assert.deepEqual(unused, []);
});
