import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDigit, mrzLines, parseMrz } from './mrz.ts';

const NOW = new Date('2026-11-23T00:00:00Z');
// The ICAO 9303 part 4 specimen passport (Anna Maria Eriksson, Utopia).
const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'] as const;
// The ICAO 9303 part 5 specimen TD1 card.
const TD1 = ['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'] as const;

test('computes the ICAO check digits of the specimen fields', () => {
  assert.equal(checkDigit('L898902C3'), 6);
  assert.equal(checkDigit('740812'), 2);
  assert.equal(checkDigit('120415'), 9);
  assert.equal(checkDigit('D23145890'), 7);
});

test('reads the TD3 specimen passport with every check digit matching', () => {
  const f = parseMrz(TD3, NOW)!;
  assert.equal(f.format, 'TD3');
  assert.equal(f.surname, 'ERIKSSON');
  assert.equal(f.given_names, 'ANNA MARIA');
  assert.equal(f.document_number, 'L898902C3');
  assert.equal(f.nationality, 'UTO');
  assert.equal(f.birth_date, '1974-08-12');
  assert.equal(f.expiry_date, '2012-04-15');
  assert.equal(f.sex, 'female');
  assert.equal(f.optional, 'ZE184226B');
  assert.equal(f.valid, true);
});

test('reads the TD1 specimen card with every check digit matching', () => {
  const f = parseMrz(TD1, NOW)!;
  assert.equal(f.format, 'TD1');
  assert.equal(f.document_number, 'D23145890');
  assert.equal(f.surname, 'ERIKSSON');
  assert.equal(f.given_names, 'ANNA MARIA');
  assert.equal(f.birth_date, '1974-08-12');
  assert.equal(f.valid, true);
});

test('a changed digit fails its own check and the composite', () => {
  const bad = [TD3[0], TD3[1].replace('7408122', '7408132')];
  const f = parseMrz(bad, NOW)!;
  assert.equal(f.checks.birth_date, false);
  assert.equal(f.checks.composite, false);
  assert.equal(f.checks.document_number, true);
  assert.equal(f.valid, false);
});

test('refuses lines of the wrong count, length or alphabet', () => {
  assert.equal(parseMrz([TD3[0]], NOW), null);
  assert.equal(parseMrz([TD1[0], TD1[1]], NOW), null);
  assert.equal(parseMrz([TD3[0].toLowerCase(), TD3[1]], NOW), null);
  assert.equal(parseMrz([TD3[1], TD3[0]], NOW), null, 'lines out of order');
  assert.equal(parseMrz([TD1[0], TD1[1], TD1[0]], NOW), null, 'a first line where the names go');
});

test('extracts lines from a 3M-style frame padded with underscores', () => {
  const raw = `\x01\x00\x5cOU\x02P${TD3[0].slice(1).replace(/</g, '_')}\r${TD3[1]}\r\x03\x7f`;
  assert.deepEqual(mrzLines(raw), TD3);
});
