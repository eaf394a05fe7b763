// The hall's calling rules, pure (docs/hall.md, "The calling side"): a clerk-marked priority and a
// transfer's place rules, decided and applied on a folded queue.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activePersons, applyStep, decideStep, foldHall, signedInPersons, waitingOrder, type HallState, type StepKind } from './hall-queue.ts';
import type { HallTicket } from './storage/types.ts';

const T0 = Date.parse('2026-12-01T09:00:00+08:00');
const ticket = (number: string, minute: number, priority: 'elderly' | null = null, extra: Partial<HallTicket> = {}): HallTicket => ({
  hall: 'hall', day: '2026-12-01', number, category: number.charAt(0), service: '社保业务', priority, taken_at: T0 + minute * 60_000, service_minutes: 8, terminal_id: 't1', seq: minute + 1, placement: null,
  person: null, rules: [], override: false, labels: null, ...extra,
});

/** Decides and applies one step the way the route does; throws on a refusal. */
function step(s: HallState, req: { kind: StepKind; window: number; number?: string; label?: string; to?: string; categories?: string[] }, minute: number): string | undefined {
  const d = decideStep(s, { clerk: 'clerk-1', ...req });
  if ('refused' in d) throw new Error(d.refused);
  applyStep(s, d.step, s.seq + 1, T0 + minute * 60_000);
  return d.step.number;
}

test('a number a clerk marks (军人) is called before normal numbers taken earlier, in taken order among the priorities', () => {
  const s = foldHall([ticket('A001', 0), ticket('A002', 1), ticket('A003', 2, 'elderly'), ticket('A004', 3), ticket('A005', 4)], []);
  step(s, { kind: 'mark', window: 2, number: 'A004', label: '军人' }, 5);
  assert.deepEqual(waitingOrder(s).map((t) => t.number), ['A003', 'A004', 'A001', 'A002', 'A005']);
  assert.equal(s.tickets.get('A004')!.marked, '军人');
  assert.equal(step(s, { kind: 'call', window: 1 }, 6), 'A003', 'the elderly visitor waited longer');
  step(s, { kind: 'complete', window: 1 }, 7);
  assert.equal(step(s, { kind: 'call', window: 1 }, 8), 'A004');
});

test('a mark is refused for a number that is not waiting, unknown, or already marked, and changes nothing', () => {
  const s = foldHall([ticket('A001', 0), ticket('A002', 1)], []);
  step(s, { kind: 'call', window: 1 }, 2);
  assert.throws(() => step(s, { kind: 'mark', window: 1, number: 'A001', label: '孕妇' }, 3), /A001 is not waiting \(called\)/);
  assert.throws(() => step(s, { kind: 'mark', window: 1, number: 'A009', label: '孕妇' }, 3), /no ticket A009 today/);
  step(s, { kind: 'mark', window: 1, number: 'A002', label: '孕妇' }, 3);
  assert.throws(() => step(s, { kind: 'mark', window: 2, number: 'A002', label: '残疾人' }, 4), /already marked 孕妇/);
  // A replayed mark that no longer fits (decided on an older state) is ignored by the fold.
  applyStep(s, { kind: 'mark', window: 2, clerk: 'c', number: 'A002', label: '残疾人' }, s.seq + 1, T0);
  assert.equal(s.tickets.get('A002')!.marked, '孕妇');
});

test('a transfer keeps the time the ticket was taken and its priority: it waits where it would have been had it been taken there', () => {
  const s = foldHall([ticket('A001', 0), ticket('B001', 1), ticket('B002', 2), ticket('A002', 3)], []);
  step(s, { kind: 'mark', window: 1, number: 'A002', label: '残疾人' }, 4);
  assert.equal(step(s, { kind: 'call', window: 1, categories: ['A'] }, 5), 'A002', 'marked first');
  step(s, { kind: 'transfer', window: 1, to: 'B' }, 6);
  assert.deepEqual(waitingOrder(s, ['B']).map((t) => t.number), ['A002', 'B001', 'B002'], 'still a priority in B');
  assert.equal(step(s, { kind: 'call', window: 1, categories: ['A'] }, 7), 'A001');
  step(s, { kind: 'transfer', window: 1, to: 'B' }, 8);
  assert.deepEqual(waitingOrder(s, ['B']).map((t) => t.number), ['A002', 'A001', 'B001', 'B002'], 'taken at 09:00, before B001');
  assert.equal(s.tickets.get('A001')!.transferred_from, 'A');
});

// The hall-wide rules (docs/hall.md, "One active number per person"): the person's token of the day rides on each ticket.
const P1 = 'p1-aaaaaaaaaaaaaaaaaaa';
const P2 = 'p2-bbbbbbbbbbbbbbbbbbb';
const oneActive = (person: string, extra: Partial<HallTicket> = {}): Partial<HallTicket> => ({ person, rules: ['one_active'], ...extra });

test('a second active number of one person in one category, taken on another machine without an override, is flagged and kept; a finished one frees the person', () => {
  const s = foldHall(
    [
      ticket('A001', 0, null, oneActive(P1)),
      ticket('A021', 1, null, oneActive(P1, { terminal_id: 't2' })),
      ticket('A002', 2, null, oneActive(P2)),
      ticket('A022', 3, null, oneActive(P2, { override: true, terminal_id: 't2' })),
      ticket('B001', 4, null, oneActive(P1)),
      ticket('A003', 20, null, oneActive(P1)),
    ],
    [],
  );
  const dup = (n: string) => s.tickets.get(n)!.duplicate;
  assert.deepEqual(dup('A021'), { of: 'A001', rule: 'one_active' }, 'the later one is flagged, whichever machine uploaded first');
  assert.equal(dup('A001'), null);
  assert.equal(dup('A022'), null, 'staff overrode the rule on the machine');
  assert.equal(dup('B001'), null, 'another category is free');
  assert.deepEqual(dup('A003'), { of: 'A001', rule: 'one_active' }, 'with no step yet, A001 is still active at 09:20');
  assert.deepEqual(waitingOrder(s, ['A']).map((t) => t.number), ['A001', 'A021', 'A002', 'A022', 'A003'], 'a flagged ticket is never lost: it waits in its place');
  const active = (st: HallState) => activePersons(st, 'A').map((a) => `${a.person.slice(0, 2)}:${a.number}`).sort();
  assert.deepEqual(active(s), ['p1:A001', 'p1:A003', 'p1:A021', 'p2:A002', 'p2:A022']);

  // The same day with the windows' steps: A001 completed and A021 missed before 09:20, so A003 is P1's only active A number.
  const steps = [
    { seq: 1, at: T0 + 5 * 60_000, step: { kind: 'call', window: 1, clerk: 'c', number: 'A001', categories: ['A'] } },
    { seq: 2, at: T0 + 6 * 60_000, step: { kind: 'complete', window: 1, clerk: 'c', number: 'A001' } },
    { seq: 3, at: T0 + 7 * 60_000, step: { kind: 'call', window: 1, clerk: 'c', number: 'A021' } },
    { seq: 4, at: T0 + 8 * 60_000, step: { kind: 'miss', window: 1, clerk: 'c', number: 'A021' } },
  ];
  const t2 = foldHall(
    [
      ticket('A001', 0, null, oneActive(P1)),
      ticket('A021', 1, null, oneActive(P1, { terminal_id: 't2' })),
      ticket('A002', 2, null, oneActive(P2)),
      ticket('A003', 20, null, oneActive(P1)),
    ],
    steps,
  );
  assert.equal(t2.tickets.get('A003')!.duplicate, null, 'completed (办理完成) and missed (过号) numbers are no longer active');
  assert.deepEqual(active(t2), ['p1:A003', 'p2:A002']);
});

test('one booking per person per day: a second appointment sign-in of the person, in any category, is flagged; walk-in tickets are not sign-ins', () => {
  const placement = { slot: '09:00-10:00', late: false, first: true, order: 'sign_in' as const, late_rule: { place: 'end' as const }, missed_rule: { place: 'end' as const } };
  const s = foldHall(
    [
      ticket('A001', 0, null, { person: P1, rules: ['one_per_day'], placement }),
      ticket('B001', 5, null, { person: P1, rules: ['one_per_day'], placement, terminal_id: 't2' }),
      ticket('A002', 6, null, { person: P2, rules: ['one_per_day'] }),
      ticket('A003', 7, null, { person: P2, rules: ['one_per_day'], placement }),
    ],
    [],
  );
  assert.deepEqual(s.tickets.get('B001')!.duplicate, { of: 'A001', rule: 'one_per_day' });
  assert.equal(s.tickets.get('A003')!.duplicate, null, "P2's walk-in ticket is no booking");
  assert.deepEqual(
    ['A', 'B'].flatMap((c) => signedInPersons(s, c).map((x) => [x.person.slice(0, 2), x.number, x.at - T0])),
    [['p1', 'A001', 0], ['p2', 'A003', 7 * 60_000], ['p1', 'B001', 5 * 60_000]],
  );
});

test("the venue file's priority labels come with the tickets, the newest wins, and a mark must name one of them", () => {
  const s = foldHall([ticket('A001', 0, null, { labels: ['军人', '孕妇'] }), ticket('A002', 1, null, { labels: ['军人', '残疾人'] }), ticket('A003', 2)], []);
  assert.deepEqual(s.labels, ['军人', '残疾人']);
  assert.throws(() => step(s, { kind: 'mark', window: 1, number: 'A003', label: '孕妇' }, 3), /"孕妇" is not one of the hall's priority labels \(军人, 残疾人\)/);
  step(s, { kind: 'mark', window: 1, number: 'A003', label: '残疾人' }, 3);
  assert.equal(foldHall([ticket('A001', 0)], []).labels, null, 'a hall whose machines name none');
});
