// What the kiosk says before a reading at a ticket machine (docs/hall.md, "Categories"), by an
// injected clock: a pick holds for the next reading only and for a minute at most.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadVenue } from '../venue/index.ts';
import { CHOICE_MS, TicketChoice, ticketDesk } from './ticket-choice.ts';

const venues = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'venues');
const hall = loadVenue(join(venues, 'hall.json'));
// Wednesday 2026-11-25 in China time: 10:00 (C open) and 14:00 (C closed).
const WED_10 = Date.parse('2026-11-25T10:00:00+08:00');

test('a pick and an override hold for one reading, and lapse after a minute', () => {
  let now = WED_10;
  const c = new TicketChoice(() => now);
  c.pick('B');
  c.allowAnother();
  assert.deepEqual(c.peek(), { category: 'B', override: true });
  assert.deepEqual(c.take(), { category: 'B', override: true });
  assert.deepEqual(c.take(), { category: null, override: false }, 'used up by the reading');
  c.pick('C');
  now += CHOICE_MS;
  assert.deepEqual(c.take(), { category: null, override: false }, 'the next person starts from the default');
});

test('the desk offers the categories with their hours, and refuses a closed or unknown one', () => {
  let now = WED_10;
  const desk = ticketDesk(hall, new TicketChoice(() => now), () => Math.floor(now / 1000))!;
  assert.deepEqual(
    desk.categories().categories.map((x) => [x.prefix, x.open, x.hours]),
    [['A', true, ''], ['B', true, ''], ['C', true, '周一二三四五 09:00–12:00']],
  );
  assert.equal(desk.categories().one_active, true);
  assert.deepEqual(desk.pick('C'), { prefix: 'C', service: '不动产登记', until: now + CHOICE_MS });
  assert.equal(desk.categories().picked, 'C');
  now += 4 * 3600_000;
  assert.deepEqual(desk.pick('C'), { closed: '周一二三四五 09:00–12:00' });
  assert.equal(desk.categories().categories[2]!.open, false);
  assert.equal(desk.pick('Z'), null);
  assert.ok(desk.allowAnother());
  const desk2 = ticketDesk(loadVenue(join(venues, 'museum-gate.json')), new TicketChoice(() => now), () => now / 1000);
  assert.equal(desk2, null, 'a venue without tickets has no desk');
});
