// A service-hall ticket machine and a gate, end to end: the ticket number is allocated in the
// event's transaction and printed on a real ESC/POS byte stream; the gate pulses its relay for an
// accepted code and refuses a code shown twice.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Health, VerdictMessage } from '../src/api/messages.ts';
import { mintCode } from '../../scripts/issuer/mint.ts';
import { PrinterSim, RelaySim } from '../../scripts/sim/index.ts';
import { EventFeed, Stack, waitFor, type StackDevice } from '../../scripts/lib/stack.ts';
import { loadShippedVenue } from '../../scripts/lib/venue-devices.ts';
import { tempDir } from '../../scripts/lib/temp-dir.ts';

interface Site {
  dir: string;
  stack: Stack;
  feed: EventFeed;
}

async function open(venue: Record<string, unknown>, devices: StackDevice[]): Promise<Site> {
  const dir = tempDir('yss-site-');
  const stack = await new Stack({ dir, venue, devices }).start();
  const feed = await EventFeed.open(stack.kioskUrl);
  // Devices open asynchronously after the daemon listens; a venue waits for its printer too.
  await waitFor(async () => {
    const h = (await (await fetch(new URL('/api/health', stack.kioskUrl))).json()) as Health;
    // A hall ticket machine also waits for its first block of numbers from the hall's allocator.
    return h.devices.every((d) => d.state === 'connected') && Object.values(h.hall_numbers?.held ?? {}).every((n) => n > 0);
  }, 15_000, 50, 'every device to connect (and the first numbers)');
  return { dir, stack, feed };
}

async function close(site: Site | undefined): Promise<void> {
  if (!site) return;
  site.feed.close();
  await site.stack.stop();
  rmSync(site.dir, { recursive: true, force: true });
}

function nextVerdict(site: Site, after: number): Promise<VerdictMessage> {
  return site.feed.nextVerdict(after);
}

describe('a service-hall ticket machine', () => {
  let site: Site;
  let printer: PrinterSim;
  before(async () => {
    // The shipped hall without its opening hours: this test is about numbering, at any hour.
    site = await open({ ...loadShippedVenue('hall'), hours: undefined }, [
      { id: 'printer-1', role: 'printer', kind: 'escpos-printer', baud: 9600, status_poll_ms: 0 },
    ]);
    printer = await PrinterSim.open(site.stack.peers['printer-1']!);
  });
  after(async () => {
    await printer?.port.close();
    await close(site);
  });

  test('issues consecutive numbers for the day and prints each on the ticket printer', async () => {
    const first = (site.stack.scan(mintCode({ keys: site.stack.keysDir })), await nextVerdict(site, 0));
    assert.equal(first.accepted, true);
    const day = (first.effects[0] as { id: string }).id.split('/')[1]!;
    assert.match(day, /^\d{4}-\d{2}-\d{2}$/);
    // Who waits ahead comes from the hall when the machine has heard from it (the last test below).
    const plain = (effects: VerdictMessage['effects']) => effects.map((e) => Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'ahead' && k !== 'eta_minutes')));
    assert.deepEqual(plain(first.effects), [{ kind: 'ticket', number: 'A001', service: '社保业务', service_minutes: 8, id: `hall/${day}/A001` }]);
    site.stack.scan(mintCode({ keys: site.stack.keysDir }));
    const second = await nextVerdict(site, first.seq);
    assert.deepEqual(plain(second.effects), [{ kind: 'ticket', number: 'A002', service: '社保业务', service_minutes: 8, id: `hall/${day}/A002` }]);
    const tickets = await waitFor(() => (printer.tickets.length >= 2 ? printer.tickets : undefined), 10_000);
    assert.match(tickets[0]!, /A001/);
    assert.match(tickets[0]!, /社保业务/);
    assert.ok(tickets[0]!.includes(`[QR hall/${day}/A001]`), 'the ticket id as a QR, decoded from the printer bytes');
    assert.match(tickets[1]!, /A002/);
  });

  test('a refused code gets no number', async () => {
    const before = site.feed.lastSeq();
    site.stack.scan('YSS1:NOT-A-REAL-CODE');
    const v = await nextVerdict(site, before);
    assert.equal(v.accepted, false);
    assert.deepEqual(v.effects, []);
    site.stack.scan(mintCode({ keys: site.stack.keysDir }));
    const w = await nextVerdict(site, v.seq);
    assert.equal((w.effects[0] as { number: string }).number, 'A003');
  });

  test('an elderly holder (the venue\'s elderly_age, from the birth date in the code) gets a priority ticket, on screen and on paper', async () => {
    const before = site.feed.lastSeq();
    site.stack.scan(mintCode({ keys: site.stack.keysDir, subject: { birth_date: '1950-03-01' } }));
    const v = await nextVerdict(site, before);
    const t = v.effects[0] as { number: string; priority?: string };
    assert.equal(t.priority, 'elderly');
    const printed = await waitFor(() => printer.tickets.find((x) => x.includes(t.number)), 10_000);
    assert.match(printed, /长者优先/);
    assert.match(printed, /社保业务/);
  });
});

describe('a ticket machine whose printer runs out of paper', () => {
  let site: Site;
  let printer: PrinterSim;
  const lines: string[] = [];
  before(async () => {
    const dir = tempDir('yss-site-');
    // The printer is asked for its status every 200 ms, as a real one answering DLE EOT is.
    const stack = await new Stack({
      dir,
      venue: { ...loadShippedVenue('hall'), hours: undefined },
      devices: [{ id: 'printer-1', role: 'printer', kind: 'escpos-printer', baud: 9600, status_poll_ms: 200 }],
      onOutput: (source, line) => {
        if (source === 'terminal') lines.push(line);
      },
    }).start();
    printer = await PrinterSim.open(stack.peers['printer-1']!);
    site = { dir, stack, feed: await EventFeed.open(stack.kioskUrl) };
    await waitFor(async () => {
      const h = (await (await fetch(new URL('/api/health', stack.kioskUrl))).json()) as Health;
      return h.devices.every((d) => d.state === 'connected') && Object.values(h.hall_numbers?.held ?? {}).every((n) => n > 0);
    }, 15_000, 50, 'every device to connect (and the first numbers)');
  });
  after(async () => {
    await printer?.port.close();
    await close(site);
  });

  test('the number is still issued and shown, nothing is printed, and staff see the printer in health until paper is back', async () => {
    const health = async () => (await (await fetch(new URL('/api/health', site.stack.kioskUrl))).json()) as Health;
    printer.paperOut = true;
    const out = await waitFor(async () => {
      const h = await health();
      return h.degraded.includes('device_printer-1') ? h : undefined;
    }, 10_000, 50, 'health to report the printer');
    assert.deepEqual(out.devices.filter((d) => d.id === 'printer-1').map((d) => [d.state, d.detail]), [['error', 'paper_out']]);
    const printedBefore = printer.tickets.length;
    site.stack.scan(mintCode({ keys: site.stack.keysDir }));
    const v = await nextVerdict(site, site.feed.lastSeq());
    assert.equal(v.accepted, true, 'issued regardless of the printer');
    const number = (v.effects[0] as { number: string }).number;
    assert.match(number, /^A\d{3}$/);
    await waitFor(() => lines.find((l) => l.includes('ticket not printed') && l.includes(number) && l.includes('paper_out')), 10_000, 20, 'the log to say the ticket was not printed');
    assert.equal(printer.tickets.length, printedBefore, 'nothing reached the paper');
    assert.ok((await health()).degraded.includes('device_printer-1'), 'staff still see it');
    // Paper back: health clears and the next ticket prints.
    printer.paperOut = false;
    await waitFor(async () => !(await health()).degraded.includes('device_printer-1'), 10_000, 50, 'health to clear');
    // Once the machine has heard from the hall who waits, the ticket prints it too (docs/hall.md).
    await waitFor(async () => (await health()).hall_numbers?.waiting_age_ms != null, 15_000, 50, 'the hall to say who waits');
    site.stack.scan(mintCode({ keys: site.stack.keysDir }));
    const w = await nextVerdict(site, v.seq);
    const next = w.effects[0] as { number: string; ahead?: number; eta_minutes?: number };
    assert.equal(typeof next.ahead, 'number');
    const paper = await waitFor(() => printer.tickets.find((x) => x.includes(next.number)), 10_000, 20, 'the next ticket on paper');
    assert.ok(paper.includes(`前面等候 ${next.ahead} 人 · 约 ${next.eta_minutes} 分钟`), paper);
  });
});

describe('a gate', () => {
  let site: Site;
  let relay: RelaySim;
  before(async () => {
    // The shipped campus gate without its access list (docs/feeds.md), also taking health codes
    // and refusing all but green ones.
    const campus = loadShippedVenue('campus-gate');
    site = await open({ ...campus, access: undefined, inputs: { codes: [{ type: 'personal' }, { type: 'health' }] }, health: { statuses: ['green'] }, actions: [{ do: 'open-gate', relay: 'relay-1', pulse_ms: 200 }] }, [
      { id: 'relay-1', role: 'relay', kind: 'serial-relay', baud: 9600, board: 'lcus', channel: 1 },
    ]);
    relay = await RelaySim.open(site.stack.peers['relay-1']!);
  });
  after(async () => {
    await relay?.port.close();
    await close(site);
  });

  test('opens for an accepted code (close, then release after the pulse) and refuses the same code shown again', async () => {
    const code = mintCode({ keys: site.stack.keysDir, type: 'personal' });
    site.stack.scan(code);
    const v = await nextVerdict(site, 0);
    assert.equal(v.accepted, true);
    assert.deepEqual(v.effects, [{ kind: 'gate', relay: 'relay-1', pulse_ms: 200 }], 'the relay named, not a claim that it opened');
    const events = await waitFor(() => (relay.events.length >= 2 ? relay.events : undefined), 5000);
    assert.deepEqual(events.map((e) => e.closed), [true, false]);
    assert.ok(events[1]!.at - events[0]!.at >= 150, `pulse lasted ${events[1]!.at - events[0]!.at} ms`);
    // The scanner's debounce ignores an identical read within its window; a second showing comes later.
    await new Promise((r) => setTimeout(r, 1600));
    site.stack.scan(code);
    const again = await nextVerdict(site, v.seq);
    assert.equal(again.accepted, false);
    assert.equal(again.reason, 'replayed');
    assert.deepEqual(again.effects, []);
    assert.equal(relay.events.length, 2, 'the relay did not move for the replay');
  });

  test('refuses a red health code', async () => {
    const before = site.feed.lastSeq();
    site.stack.scan(mintCode({ keys: site.stack.keysDir, type: 'health', health: 'red' }));
    const v = await nextVerdict(site, before);
    assert.equal(v.accepted, false);
    assert.equal(v.reason, 'health_status');
  });
});
