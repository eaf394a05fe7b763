import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cardText } from '../../../../scripts/sim/index.ts';
import { parseCardText } from './card-text.ts';

test('reads a resident card: Chinese name, sex and nation from their tables, dates as YYYY-MM-DD', () => {
  const text = cardText({
    name: '张三',
    sex: '1',
    nation: '01',
    birth: '19900307',
    address: '广东省广州市越秀区府前路1号',
    id_number: '440106199003071231',
    authority: '广州市公安局越秀分局',
    valid_from: '20200101',
    valid_to: '20400101',
  });
  assert.equal(text.length, 256);
  assert.deepEqual(parseCardText(text), {
    kind: 'idcard',
    card_type: 'resident',
    name: '张三',
    name_en: null,
    id_number: '440106199003071231',
    id_number_valid: true,
    sex: 'male',
    nation: '汉',
    nation_code: '01',
    nationality: 'CHN',
    birth_date: '1990-03-07',
    address: '广东省广州市越秀区府前路1号',
    authority: '广州市公安局越秀分局',
    valid_from: '2020-01-01',
    valid_to: '2040-01-01',
  });
});

test('keeps 长期 as the end date and flags a bad check digit', () => {
  const card = parseCardText(cardText({ name: '李四', sex: '2', nation: '08', id_number: '440106199003071241', valid_to: '长期' }));
  assert.equal(card.valid_to, '长期');
  assert.equal(card.sex, 'female');
  assert.equal(card.nation, '壮');
  assert.equal(card.id_number_valid, false);
});

test('reads a Hong Kong / Macau / Taiwan residence permit (J) with its permit number and issue count', () => {
  const card = parseCardText(cardText({ type: 'J', name: '陈大文', sex: '1', id_number: '81000019800101123X', permit_number: 'H12345678', issue_count: '02', birth: '19800101' }));
  assert.equal(card.card_type, 'hmt_residence_permit');
  assert.equal(card.name, '陈大文');
  assert.equal(card.permit_number, 'H12345678');
  assert.equal(card.issue_count, '02');
  assert.equal(card.nation, null);
  assert.equal(card.id_number_valid, false);
});

test('reads an old foreigner permanent residence card (I): English name, 15-character number, nationality', () => {
  const card = parseCardText(
    cardText({ type: 'I', name_en: 'SMITH, JOHN', name: '史密斯', sex: '1', id_number: 'USA440090030101', nationality: 'USA', birth: '19700203', valid_from: '20150101', valid_to: '20250101' }),
  );
  assert.equal(card.card_type, 'foreign_permanent_resident');
  assert.equal(card.name_en, 'SMITH, JOHN');
  assert.equal(card.name, '史密斯');
  assert.equal(card.id_number, 'USA440090030101');
  assert.equal(card.id_number_valid, null);
  assert.equal(card.nationality, 'USA');
  assert.equal(card.birth_date, '1970-02-03');
});

test('reads a 2023 foreigner card (Y), joining an English name that runs past its first field', () => {
  const long = 'VANDERBERG-MONTGOMERY, ALEXANDRA ELIZABETH';
  const card = parseCardText(cardText({ type: 'Y', name: '范德堡', name_en: long, sex: '2', id_number: '932440197002031230', nationality: 'NLD', renewal_count: '01' }));
  assert.equal(card.card_type, 'foreign_permanent_resident_2023');
  assert.equal(card.name_en, long);
  assert.equal(card.nationality, 'NLD');
  assert.equal(card.renewal_count, '01');
  assert.equal(typeof card.id_number_valid, 'boolean');
});

test('refuses a block that is not 256 bytes or has an unknown type flag', () => {
  assert.throws(() => parseCardText(Buffer.alloc(255)), /255 bytes/);
  const t = cardText({ id_number: '1' });
  Buffer.from('Q', 'utf16le').copy(t, 248);
  assert.throws(() => parseCardText(t), /unknown card type flag "Q"/);
});
