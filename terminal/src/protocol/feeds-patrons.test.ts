// The `patrons` feed (docs/feeds.md): a holder and the library's own identifier for them, checked
// like every feed's rows, by the service at import and by the terminal at install.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkFeedCsv, checkFeedRows, holderOfCode } from './feeds.ts';

const H = holderOfCode('CN-44', 'u-1');

test('a patrons row is a holder hash and a library card number, and nothing else', () => {
  assert.deepEqual(checkFeedRows('patrons', { rows: [{ holder: H, patron: 'GZR-0001' }] }), { ok: true, rows: [{ holder: H, patron: 'GZR-0001' }] });
  assert.deepEqual(checkFeedCsv('patrons', `holder,patron\n${H},GZR-0002\n`), { ok: true, rows: [{ holder: H, patron: 'GZR-0002' }] });
});

test('a patron identifier that is an ID number, holds "|", is too long or missing is refused by row and field', () => {
  const r = checkFeedRows('patrons', { rows: [{ holder: H, patron: '11010519491231002X' }, { holder: H, patron: 'A|B' }, { holder: H, patron: 'X'.repeat(33) }, { holder: H }, { holder: H, patron: 'P1', name: '陈大文' }] });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.deepEqual(
    r.problems.map((p) => [p.row, p.field]),
    [
      [1, 'patron'],
      [2, 'patron'],
      [3, 'patron'],
      [4, 'patron'],
      [5, 'name'],
    ],
  );
  assert.ok(!JSON.stringify(r.problems).includes('11010519491231002X'), 'the ID number is not echoed');
});
