// The hall's calling rules, pure (docs/hall.md, "The calling side"): a clerk-marked priority and a
// transfer's place rules, decided and applied on a folded queue.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyStep, decideStep, foldHall, waitingOrder, type HallState, type StepKind } from './hall-queue.ts';
import type { HallTicket } from './storage/types.ts';

const T0 = Date.parse('2026-12-01T09:00:00+08:00');
const ticket = (number: string, minute: number, priority: 'elderly' | null = null): HallTicket => ({
  hall: 'hall', day: '2026-12-01', number, category: number.charAt(0), service: '社保业务', priority, taken_at: T0 + minute * 60_000, service_minutes: 8, terminal_id: 't1', seq: minute + 1, placement: null,
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
