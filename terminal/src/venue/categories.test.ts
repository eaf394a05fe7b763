// A ticket machine's categories (docs/hall.md, "Categories") against the shipped hall: the picked
// category's prefix, service and cap; its hours; one active number per person per category.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { VerifyResult } from '../codes/index.ts';
import { verifiedYss } from '../codes/test/results.ts';
import type { Reading } from '../devices/index.ts';
import { hallPerson, hoursText, ticketCategories } from './categories.ts';
import { loadVenue, venueProblems } from './load.ts';
import { decideVenue, type PolicyLookups } from './policy.ts';

const hall = loadVenue(join(import.meta.dirname, '..', '..', '..', 'fixtures', 'venues', 'hall.json'));
// An injected clock: Wednesday 2026-11-25, 10:00 and 14:00 China time, and the Saturday after.
const WED_10 = Date.parse('2026-11-25T10:00:00+08:00') / 1000;
const WED_14 = WED_10 + 4 * 3600;
const SAT_10 = WED_10 + 3 * 86_400;
const look = (over: Partial<PolicyLookups> = {}): PolicyLookups => ({ now: WED_10, skew: 120, trustAge: 3600, lastSeen: () => null, ...over });
const code: Reading = { kind: 'code', text: 'YSS1:…', symbology: null, aim: null };
const personal = (sub: string, now = WED_10): VerifyResult => verifiedYss({ type: 'personal', sub, now, subject: { name_masked: '王*' }, cti: new Uint8Array(16).fill(3) });
const ticketOf = (d: ReturnType<typeof decideVenue>) => d.effects.find((e) => e.kind === 'ticket');

test('a reading with nothing picked takes the default category, a picked one its own prefix, service and cap', () => {
  assert.deepEqual(ticketCategories(hall.actions[0] as never).map((c) => c.prefix), ['A', 'B', 'C']);
  const a = ticketOf(decideVenue(hall, code, personal('u1'), look()));
  assert.equal(a?.kind === 'ticket' && [a.prefix, a.service, a.daily_cap, a.service_minutes].join(' '), 'A 社保业务 500 8');
  const c = ticketOf(decideVenue(hall, code, personal('u1'), look({ category: 'C' })));
  assert.equal(c?.kind === 'ticket' && [c.prefix, c.service, c.daily_cap, c.service_minutes].join(' '), 'C 不动产登记 60 15');
  const unknown = ticketOf(decideVenue(hall, code, personal('u1'), look({ category: 'Z' })));
  assert.equal(unknown?.kind === 'ticket' && unknown.prefix, 'A', 'a prefix the venue does not have falls back to the default');
});

test('a category outside its hours refuses the reading as category_closed with its hours, and the others still issue', () => {
  const afternoon = decideVenue(hall, code, personal('u2', WED_14), look({ now: WED_14, category: 'C' }));
  assert.equal(afternoon.accepted, false);
  assert.equal(afternoon.reason, 'category_closed');
  assert.equal(afternoon.body.category, 'C');
  assert.equal(afternoon.body.hours, '周一二三四五 09:00–12:00');
  assert.deepEqual(afternoon.effects, []);
  assert.equal(decideVenue(hall, code, personal('u2', WED_14), look({ now: WED_14, category: 'B' })).accepted, true);
  assert.equal(decideVenue(hall, code, personal('u2', SAT_10), look({ now: SAT_10, category: 'C' })).reason, 'outside_hours', 'the venue itself is closed on Saturday: its own hours answer first');
  assert.equal(hoursText(undefined), '');
});

test('one active number per person per category: refused as already_in_queue, other categories free, staff override recorded', () => {
  const asked: string[] = [];
  const active = (category: string, person: string) => {
    asked.push(category);
    return category === 'A' && person === hallPerson('hall', '2026-11-25', 'x') ? null : category === 'A' ? 'A007' : null;
  };
  const again = decideVenue(hall, code, personal('u3'), look({ activeTicket: active }));
  assert.equal(again.reason, 'already_in_queue');
  assert.equal(again.body.active, 'A007');
  assert.equal(again.remember.person, null, 'a refusal remembers nobody');
  const other = ticketOf(decideVenue(hall, code, personal('u3'), look({ activeTicket: active, category: 'B' })));
  assert.equal(other?.kind === 'ticket' && other.prefix, 'B');
  const forced = ticketOf(decideVenue(hall, code, personal('u3'), look({ activeTicket: active, staffOverride: true })));
  assert.equal(forced?.kind === 'ticket' && forced.override, 'one_active');
  const first = ticketOf(decideVenue(hall, code, personal('u4'), look({ activeTicket: () => null, staffOverride: true })));
  assert.equal(first?.kind === 'ticket' && first.override, undefined, 'an override with no active number overrides nothing');
  assert.ok(first?.kind === 'ticket' && typeof first.person === 'string' && first.person.length === 22);
  assert.deepEqual([...new Set(asked)], ['A', 'B']);
});

test('the hall person token is one per hall and day, and says nothing of the key', () => {
  const p = hallPerson('hall', '2026-11-25', 'k1');
  assert.equal(p, hallPerson('hall', '2026-11-25', 'k1'));
  assert.notEqual(p, hallPerson('hall', '2026-11-26', 'k1'));
  assert.notEqual(p, hallPerson('other-hall', '2026-11-25', 'k1'));
  assert.ok(!p.includes('k1'));
});

test('a venue file with a category prefix twice, or hours ending before they start, is refused with the path', () => {
  const bad = structuredClone(hall) as unknown as { actions: { categories: { prefix: string; hours?: unknown }[] }[] };
  bad.actions[0]!.categories[0]!.prefix = 'A';
  bad.actions[0]!.categories[1]!.hours = [{ from: '12:00', to: '09:00' }];
  assert.deepEqual(venueProblems(bad), [
    'venue.actions[0].categories[0].prefix: "A" is already another category\'s prefix; each category needs its own',
    'venue.actions[0].categories[1].hours[0]: "to" (09:00) must be after "from" (12:00)',
  ]);
  const extra = structuredClone(hall) as unknown as { actions: { categories: Record<string, unknown>[] }[] };
  extra.actions[0]!.categories[0]!.colour = 'red';
  assert.equal(venueProblems(extra).length, 1);
});

test('a hospital\'s departments must name its print-ticket actions, and are read only with walk_ins pick', () => {
  const hospital = loadVenue(join(import.meta.dirname, '..', '..', '..', 'fixtures', 'venues', 'hospital.json'));
  assert.deepEqual(venueProblems(hospital), []);
  const bad = structuredClone(hospital) as unknown as { appointments: { departments: string[]; walk_ins: string } };
  bad.appointments.departments = ['内科', '眼科'];
  assert.deepEqual(venueProblems(bad), ['venue.appointments.departments[1]: "眼科" is no print-ticket action\'s service; expected one of 内科, 儿科, 取药']);
  bad.appointments.departments = ['内科'];
  bad.appointments.walk_ins = 'refuse';
  assert.deepEqual(venueProblems(bad), ['venue.appointments.departments: only read with walk_ins "pick" (it is "refuse")']);
});
