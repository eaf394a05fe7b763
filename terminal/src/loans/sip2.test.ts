// The SIP2 client against a real SIP2 server on loopback TCP (scripts/sim/sip2-server.ts, whose
// framing and checksum are written separately), and every way a reply can be wrong: each is an
// error in words, within the timeout, never a hang; the next request starts on a new connection.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { Sip2Server } from '../../../scripts/sim/index.ts';
import { ean13CheckDigit, itemBarcode } from './barcode.ts';
import { Sip2Client, Sip2Error, type Sip2ClientOptions } from './sip2-client.ts';
import { parseReply, reply as sip2Reply, sip2Checksum, sip2Date, sip2Frame } from './sip2.ts';

const AT = Date.parse('2026-12-01T09:02:03+08:00') / 1000;
const PATRON = 'a'.repeat(64);
let ils: Sip2Server;
const opts = (port: number, o: Partial<Sip2ClientOptions> = {}): Sip2ClientOptions => ({ host: '127.0.0.1', port, institution: 'GZLIB', user: 'kiosk', password: 'kiosk-pass', location: 'floor-1', timeoutMs: 500, ...o });

before(async () => {
  ils = await new Sip2Server({
    now: () => AT,
    patrons: { [PATRON]: {}, blocked: { blocked: true, fees: '62.00' }, owing: { fees: '12.50' } },
    items: {
      '9787020002207': { title: '红楼梦', out: null },
      'GZ0001234': { title: 'Reference atlas', out: null, reference: true },
      '9787544253994': { title: '百年孤独', out: 'owing' },
      '9787020024759': { title: '围城', out: 'owing', onHold: true },
    },
  }).listen();
});
after(async () => {
  await ils?.close();
});

test('frames a message with its sequence number and a checksum that brings the byte sum to zero', () => {
  const f = sip2Frame('9900802.00', 3);
  assert.match(f, /^9900802\.00AY3AZ[0-9A-F]{4}\r$/);
  let sum = 0;
  for (const b of Buffer.from(f.slice(0, -5))) sum += b;
  sum += parseInt(f.slice(-5, -1), 16);
  assert.equal(sum & 0xffff, 0);
  assert.equal(sip2Checksum(''), '0000');
  assert.equal(sip2Date(AT), '20261201    090203', 'China time, four spaces for the zone');
});

test('logs in, reads the ACS status, a patron status, checks an item out and in again', async () => {
  const c = new Sip2Client(opts(ils.port));
  try {
    const p = await c.patronStatus(PATRON, AT);
    assert.deepEqual(p, { valid: true, blocked: false, screenMessage: null });
    assert.deepEqual(ils.seen.slice(0, 3).map((m) => m.code), ['93', '99', '23'], 'login and SC status before the first request');
    assert.deepEqual([ils.seen[0]!.fields.CN, ils.seen[0]!.fields.CO, ils.seen[0]!.fields.CP], ['kiosk', 'kiosk-pass', 'floor-1']);
    assert.equal(c.status?.checkoutOk, true);
    const out = await c.checkout(PATRON, '9787020002207', AT, false);
    assert.deepEqual(out, { ok: true, title: '红楼梦', due: '20270101', screenMessage: 'Thank you' });
    const req = ils.requests('11').at(-1)!;
    assert.deepEqual([req.fixed, req.fields.AO, req.fields.AA, req.fields.AB], [`NN${sip2Date(AT)}${' '.repeat(18)}`, 'GZLIB', PATRON, '9787020002207']);
    assert.equal(ils.items['9787020002207']!.out, PATRON);
    const back = await c.checkin('9787020002207', AT, true);
    assert.equal(back.ok, true);
    assert.equal(ils.requests('09').at(-1)!.fixed[0], 'Y', 'no block: a return made while the ILS was away');
    assert.equal(ils.items['9787020002207']!.out, null);
    assert.deepEqual(ils.seen.map((m) => m.seq), ['0', '1', '2', '3', '4'], 'sequence numbers count up per message: 93, 99, 23, 11, 09');
    const refused = await c.checkout(PATRON, 'GZ0001234', AT, false);
    assert.deepEqual([refused.ok, refused.screenMessage], [false, 'Not for loan']);
    assert.deepEqual(await c.patronStatus('nobody', AT), { valid: false, blocked: false, screenMessage: 'Patron not found' });
    assert.deepEqual((await c.patronStatus('blocked', AT)).blocked, true);
    assert.equal(ils.connections, 1, 'one connection for all of it');
  } finally {
    c.close();
  }
});

test('patron information says what is owed and lists the items on loan; renew extends one and the ILS may refuse another', async () => {
  const c = new Sip2Client(opts(ils.port));
  try {
    const info = await c.patronInformation('owing', AT);
    assert.deepEqual(info, { valid: true, blocked: false, renewalsDenied: false, overdue: 0, charged: 2, items: ['9787544253994', '9787020024759'], feeAmount: '12.50', currency: 'CNY', feeLimit: '50.00', screenMessage: null });
    const req = ils.requests('63').at(-1)!;
    assert.deepEqual([req.fixed.slice(0, 3), req.fixed.slice(3, 21), req.fixed.slice(21), req.fields.AA, req.fields.BP, req.fields.BQ], ['001', sip2Date(AT), '  Y       ', 'owing', '1', '50'], 'the charged items asked for, 1 to 50');
    assert.deepEqual((await c.patronInformation('blocked', AT)).blocked, true);
    assert.deepEqual(await c.patronInformation(PATRON, AT), { valid: true, blocked: false, renewalsDenied: false, overdue: 0, charged: 0, items: [], feeAmount: null, currency: null, feeLimit: null, screenMessage: null });
    assert.equal((await c.patronInformation('nobody', AT)).valid, false);
    assert.deepEqual(await c.renew('owing', '9787544253994', AT), { ok: true, title: '百年孤独', due: '20270101', screenMessage: 'Renewed' });
    assert.deepEqual([ils.requests('29').at(-1)!.fixed, ils.requests('29').at(-1)!.fields.AB], [`NN${sip2Date(AT)}${' '.repeat(18)}`, '9787544253994']);
    assert.deepEqual(await c.renew('owing', '9787020024759', AT), { ok: false, title: '围城', due: null, screenMessage: 'Reserved by another reader' });
    assert.equal((await c.renew(PATRON, '9787544253994', AT)).ok, false, 'not this patron\'s item');
  } finally {
    c.close();
  }
});

test('a patron information reply with a count, an amount or a currency that is not one is refused in words', () => {
  const line = (fixedTail: string, vars: string) => sip2Frame(`64${' '.repeat(14)}001${sip2Date(AT)}${fixedTail}AOX|BLY|${vars}`, 0).slice(0, -1);
  const ok = '0000000000020000' + '00000000';
  const err = (l: string) => {
    const r = sip2Reply.patronInformation(l, 0);
    return r.ok ? null : r.error;
  };
  assert.equal(err(line(ok, 'BV12.50|BHCNY|')), null);
  assert.equal(err(line('    ' + ok.slice(4), '')), null, 'a blank count is none');
  assert.match(err(line('00x0' + ok.slice(4), ''))!, /hold items count is "00x0", expected 4 digits/);
  assert.match(err(line(ok, 'BV12,50 yuan|'))!, /fee amount \(BV\) is "12,50 yuan", expected an amount like 12.50/);
  assert.match(err(line(ok, 'BHrmb|'))!, /currency \(BH\) is "rmb", expected 3 capital letters/);
  const renewed = sip2Reply.renew(sip2Frame(`30xNNN${sip2Date(AT)}AOX|`, 0).slice(0, -1), 0);
  assert.deepEqual(renewed, { ok: false, error: '30 reply: renew ok is "x", expected one of 0 1' });
});

test('a wrong login, a closed port and each kind of broken reply is an error in words, within the timeout', async () => {
  const wrong = new Sip2Client(opts(ils.port, { password: 'nope' }));
  await assert.rejects(wrong.patronStatus(PATRON, AT), (e: Sip2Error) => e.kind === 'login' && /refused the login of user "kiosk"/.test(e.message));
  wrong.close();

  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
  const port = (closed.address() as { port: number }).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const away = new Sip2Client(opts(port));
  await assert.rejects(away.checkout(PATRON, '9787020002207', AT, false), (e: Sip2Error) => e.kind === 'unreachable' && /ECONNREFUSED/.test(e.message));

  const cases = [
    ['silent', 'unreachable', /no reply to a \d\d within 500 ms/],
    ['garbage', 'protocol', /expected a \d\d reply, got "HELLO FROM NOT AN ILS"/],
    ['bad-checksum', 'protocol', /checksum AZ0000 does not match its bytes|checksum AZ0001 does not match/],
    ['wrong-sequence', 'protocol', /answers sequence \d, not \d/],
    ['no-line-end', 'protocol', /longer than 4096 bytes without a line end/],
  ] as const;
  const c = new Sip2Client(opts(ils.port));
  try {
    await c.patronStatus(PATRON, AT); // logged in before the fault
    for (const [fault, kind, message] of cases) {
      ils.fault = fault;
      const started = Date.now();
      await assert.rejects(c.checkout(PATRON, '9787020002207', AT, false), (e: Sip2Error) => e.kind === kind && message.test(e.message), fault);
      assert.ok(Date.now() - started < 5000, `${fault}: answered within the bound`);
      ils.fault = 'none';
    }
    const before = ils.connections;
    assert.equal((await c.checkin('9787020002207', AT, false)).ok, true, 'the next request works, on a new connection');
    assert.ok(ils.connections > before);
  } finally {
    ils.fault = 'none';
    c.close();
  }
});

test('a reply is taken apart only when its code, fixed part, sequence and checksum all hold', () => {
  const line = (body: string, seq = 0) => sip2Frame(body, seq).slice(0, -1);
  assert.equal(parseReply(line('941'), '94', 0).ok, true);
  assert.deepEqual(parseReply(line('12'), '12', 0), { ok: false, error: `reply ${JSON.stringify(line('12'))}: the fixed part of a 12 is 22 characters, got 0` });
  assert.match((parseReply('941AY0', '94', 0) as { error: string }).error, /does not end in AY<digit>AZ<4 hex digits>/);
  assert.match((parseReply(`${line('941')}`.replace('941', '940'), '94', 0) as { error: string }).error, /checksum/);
  assert.match((parseReply('96', '94', 0) as { error: string }).error, /asked for the message again \(96\)/);
  assert.match((parseReply(line('94\u0007'), '94', 0) as { error: string }).error, /control character/);
  const named = parseReply(`24${' '.repeat(14)}001${sip2Date(AT)}AOX|AE张小明|BLQ|AY0AZ0000`, '24', 0);
  assert.ok(!named.ok);
  assert.doesNotMatch(named.error, /张小明/, 'a patron name in a broken reply stays out of the error (and the log)');
  const parsed = parseReply(line(`101YNN${sip2Date(AT)}AOGZLIB|AB123|AJ红楼梦|`), '10', 0);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value.fields, { AO: 'GZLIB', AB: '123', AJ: '红楼梦' });
  const repeated = parseReply(line(`64${' '.repeat(59)}AUone|AUtwo|AOX|`), '64', 0);
  assert.ok(repeated.ok);
  assert.deepEqual([repeated.value.fields.AU, repeated.value.all.AU], ['one', ['one', 'two']], 'a repeated field: the first, and all in order');
});

test('item barcodes: EAN-13 with its check digit, Code 128 labels, and nothing else', () => {
  assert.equal(ean13CheckDigit('978702000220'), 7);
  assert.deepEqual(itemBarcode('9787020002207'), { ok: true, item: '9787020002207', symbology: 'ean13' });
  assert.deepEqual(itemBarcode('9787020002208'), { ok: false, why: 'EAN-13 9787020002208: check digit 8, expected 7' });
  assert.deepEqual(itemBarcode('GZ0001234'), { ok: true, item: 'GZ0001234', symbology: 'code128' });
  assert.equal(itemBarcode('A|B').ok, false);
  assert.equal(itemBarcode('书').ok, false);
  assert.equal(itemBarcode('X'.repeat(33)).ok, false);
  assert.equal(itemBarcode('').ok, false);
});
