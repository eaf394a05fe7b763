import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StaffGuessLimiter } from './staff-auth.ts';

/** A guesser that tries again the moment it is allowed to, for `hours`; returns the times PINs were compared. */
function greedy(limiter: StaffGuessLimiter, client: string, hours: number): number[] {
  const compared: number[] = [];
  let t = 0;
  while (t < hours * 3_600_000) {
    const c = limiter.check(client, t);
    if (!c.ok) {
      t += c.retryAfterMs;
      continue;
    }
    compared.push(t);
    limiter.wrong(client, t);
    t += 1; // as fast as the loopback answers
  }
  return compared;
}

test('a greedy guesser has fewer than one PIN compared per 10 s, over any window from a minute to a day', () => {
  const limiter = new StaffGuessLimiter();
  const client = limiter.clientOf(undefined);
  const times = greedy(limiter, client, 24);
  for (const windowS of [60, 600, 3600, 86_400]) {
    let most = 0;
    for (let i = 0; i < times.length; i++) {
      let j = i;
      while (j < times.length && times[j]! < times[i]! + windowS * 1000) j++;
      most = Math.max(most, j - i);
    }
    assert.ok(most < windowS / 10, `${most} PINs compared in ${windowS} s`);
  }
  assert.ok(times.length < 300, `${times.length} PINs in 24 h`);
});

test('a guesser that pauses until its count is forgotten gains nothing over one that keeps going', () => {
  const limiter = new StaffGuessLimiter();
  let compared = 0;
  let t = 0;
  while (t < 24 * 3_600_000) {
    // Three free tries, then sit out the forget period and come back.
    for (let i = 0; i < 3; i++) {
      if (!limiter.check('newcomers', t).ok) break;
      limiter.wrong('newcomers', t);
      compared++;
    }
    t += 15 * 60_000 + 20_000;
  }
  assert.ok(compared / ((24 * 3600) / 10) < 0.05, `${compared} PINs in 24 h`);
});

test('a device cookie is issued to a newcomer that signs in, and it is a client of its own', () => {
  const limiter = new StaffGuessLimiter();
  const cookie = limiter.right(limiter.clientOf(undefined));
  assert.ok(cookie);
  const device = limiter.clientOf(`other=1; yss_staff_device=${cookie}`);
  assert.match(device, /^device:/);
  for (let i = 0; i < 5; i++) limiter.wrong('newcomers', 0);
  assert.equal(limiter.check('newcomers', 1).ok, false);
  assert.equal(limiter.check(device, 1).ok, true);
  assert.equal(limiter.right(device), null, 'a known device gets no new cookie');
  assert.equal(limiter.clientOf('yss_staff_device=not-issued-by-this-daemon'), 'newcomers');
});

test('only the last maxDevices devices are remembered', () => {
  const limiter = new StaffGuessLimiter({ maxDevices: 2 });
  const cookies = [1, 2, 3].map(() => limiter.right('newcomers')!);
  assert.equal(limiter.clientOf(`yss_staff_device=${cookies[0]}`), 'newcomers');
  assert.match(limiter.clientOf(`yss_staff_device=${cookies[2]}`), /^device:/);
});
