// Wrong verdicts found in review (issue 9 §2): each test failed before its fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ALG_ES256, buildCoseSign1, cborEncode, encodeCodeText, verifyCode } from './index.ts';
import { openTrustList, signTrustList, type TrustIndex } from '../trust/index.ts';
import { join } from 'node:path';
import { decideVenue, loadVenue } from '../venue/index.ts';
import { es256Signer, makeWorld, NOW, yssCode, hcertCode, type World } from './test/helpers.ts';

const venue = (name: string) => loadVenue(join(import.meta.dirname, '..', '..', '..', 'fixtures', 'venues', `${name}.json`));

const at = { now: NOW };
const YEAR = 365 * 86_400;

type Payload = { issuers: { id: string; types: string[]; keys: Record<string, unknown>[] }[] };

/** The world's list with `edit` applied to a copy of its payload, signed by the same root. */
function relisted(w: World, edit: (p: Payload) => void): TrustIndex {
  const payload = structuredClone(w.payload) as unknown as Payload;
  edit(payload);
  const opened = openTrustList(signTrustList(payload, { kid: w.root.root.kid, secretKey: w.root.secretKey }), [w.root.root]);
  if (!opened.ok) throw new Error(opened.message);
  return opened.index;
}

const dcc = (p: Payload) => p.issuers.find((i) => i.id === 'DCC')!;

/** A YSS1 code signed by the world's HCERT ES256 key (a document signer). */
function yssFromDsc(w: World, type: string, iss = 'DCC'): string {
  return yssCode(w, {
    iss,
    type,
    sub: 'anyone',
    exp: NOW + 10 * YEAR,
    protectedHeader: new Map<number, unknown>([
      [1, ALG_ES256],
      [4, w.hc.kid],
    ]),
    sign: es256Signer(w.hc.privateKey),
    subject: { name: '张小明', doc_no: '440101199001011234' },
  });
}

test('refuses a YSS1 code of type hcert minted by a document signer held only for hcert', () => {
  const w = makeWorld();
  const index = relisted(w, (p) => {
    dcc(p).keys[0]!.usage = ['v'];
  });
  const r = verifyCode(yssFromDsc(w, 'hcert'), index, at);
  assert.deepEqual([r.valid, r.reason], [false, 'type_not_allowed']);
  // Without the usage limit too: hcert is not a YSS1 type (codes.md §4).
  assert.equal(verifyCode(yssFromDsc(w, 'hcert'), w.index, at).reason, 'type_not_allowed');
});

test('refuses a YSS1 personal code from a key with DCC key usage even when its issuer lists personal', () => {
  const w = makeWorld();
  const index = relisted(w, (p) => {
    dcc(p).types = ['hcert', 'personal', 'credential'];
    dcc(p).keys[0]!.usage = ['v'];
  });
  assert.equal(verifyCode(yssFromDsc(w, 'credential'), index, at).reason, 'type_not_allowed');
  // The same issuer's key without a usage may sign its YSS1 types (the key restricts, not the family).
  const open = relisted(w, (p) => {
    dcc(p).types = ['hcert', 'credential'];
  });
  assert.equal(verifyCode(yssFromDsc(w, 'credential'), open, at).valid, true);
});

test('reports the issuer of the key that verified an HC1 code, and its iss only as the claimed one', () => {
  const w = makeWorld();
  const claims = new Map<number, unknown>([
    [1, 'CN-44'],
    [4, NOW + 1000],
    [6, NOW - 1000],
    [-260, new Map([[1, { ver: '1.3.0', v: [{}] }]])],
  ]);
  const cose = buildCoseSign1({
    protectedHeader: new Map<number, unknown>([
      [1, ALG_ES256],
      [4, w.hc.kid],
    ]),
    payload: cborEncode(claims),
    sign: es256Signer(w.hc.privateKey),
  });
  const r = verifyCode(encodeCodeText('HC1', cose), w.index, at);
  assert.equal(r.valid, true);
  assert.equal(r.issuer, 'DCC');
  assert.equal(r.claimedIssuer, 'CN-44');
  // A desk taking every code type from Guangdong only: the HC1 key's issuer (DCC) decides, not the claim.
  const guangdongOnly = { ...venue('desk'), inputs: { codes: (['personal', 'health', 'credential', 'hcert'] as const).map((type) => ({ type, issuers: ['CN-44'] })) } };
  const d = decideVenue(guangdongOnly, { kind: 'code', text: '', symbology: null, aim: null }, r, { now: NOW, skew: 120, trustAge: 0, lastSeen: () => null });
  assert.deepEqual([d.accepted, d.reason], [false, 'issuer_not_accepted']);
});

test('checks an HC1 key validity against the verification time when the code has no iat', () => {
  const w = makeWorld();
  const expiredKey = relisted(w, (p) => {
    Object.assign(dcc(p).keys[0]!, { not_before: NOW - 2 * YEAR, not_after: NOW - YEAR });
  });
  const futureKey = relisted(w, (p) => {
    Object.assign(dcc(p).keys[0]!, { not_before: NOW + YEAR, not_after: NOW + 2 * YEAR });
  });
  const noIat = (cti = randomBytes(8)) =>
    encodeCodeText(
      'HC1',
      buildCoseSign1({
        protectedHeader: new Map<number, unknown>([
          [1, ALG_ES256],
          [4, w.hc.kid],
        ]),
        payload: cborEncode(
          new Map<number, unknown>([
            [1, 'AT'],
            [4, NOW + 1000],
            [7, cti],
            [-260, new Map([[1, { ver: '1.3.0', v: [{}] }]])],
          ]),
        ),
        sign: es256Signer(w.hc.privateKey),
      }),
    );
  assert.equal(verifyCode(noIat(), expiredKey, at).reason, 'key_not_valid');
  assert.equal(verifyCode(noIat(), futureKey, at).reason, 'key_not_valid');
  assert.equal(verifyCode(noIat(), w.index, at).valid, true);
  // With an iat the code's own time still decides (PL 1.3.0/6: exp after the DSC's notAfter).
  assert.equal(verifyCode(hcertCode(w, { iat: NOW - 1000 }), expiredKey, at).reason, 'key_not_valid');
});

test('prints a "__proto__" key of the yss map as a key, so the claims printed are the claims read', () => {
  const w = makeWorld();
  const hidden = new Map<string, unknown>([
    ['scope', ['hotel-checkin']],
    ['subject', new Map([['name', '张小明'], ['doc_type', 'CN-RIC'], ['doc_no', '440101199001011234']])],
  ]);
  const code = yssCode(w, {
    edit: (c) =>
      c.set(
        -75000,
        new Map<string, unknown>([
          ['v', 1],
          ['t', 'personal'],
          ['__proto__', hidden],
        ]),
      ),
  });
  const r = verifyCode(code, w.index, at);
  assert.equal(r.valid, true);
  const yss = r.printed!.yss as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(yss), Object.prototype);
  assert.equal(yss.scope, undefined);
  assert.ok(Object.hasOwn(yss, '__proto__'));
  const printed = JSON.parse(JSON.stringify(r.printed)) as { yss: Record<string, unknown> };
  assert.deepEqual(Object.keys(printed.yss).sort(), ['__proto__', 't', 'v']);
  assert.deepEqual(printed.yss.scope, undefined);
  assert.equal(r.claims?.family, 'YSS1');
  assert.deepEqual([r.claims.scope, r.claims.subject], [null, null], 'the typed claims hold no more than was printed');
  // The venue reads what was printed: no scope, so the hotel asks for authorization.
  const d = decideVenue(venue('hotel'), { kind: 'code', text: code, symbology: null, aim: null }, r, { now: NOW, skew: 120, trustAge: 0, lastSeen: () => null });
  assert.deepEqual([d.accepted, d.reason], [false, 'authorization_required']);
});
