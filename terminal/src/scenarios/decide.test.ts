import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VerifyResult } from '../codes/index.ts';
import type { Reading } from '../devices/types.ts';
import { decide, allowsReplay } from './decide.ts';
import type { ScenarioConfig } from './types.ts';

const NOW = 1_795_000_000;
const ctx = { now: NOW, skew: 120, trustAge: 3600 };
const code: Reading = { kind: 'code', text: 'YSS1:…', symbology: null, aim: null };
const cti = new Uint8Array(16).fill(7);

function valid(type: string, yss: Record<string, unknown> = {}, issuer = 'CN-44'): VerifyResult {
  return {
    valid: true,
    reason: null,
    family: 'YSS1',
    issuer,
    type,
    claims: { iss: issuer, sub: 'u1', exp: NOW + 60, iat: NOW, yss: { v: 1, t: type, ...yss } },
    replayed: false,
    cti,
    exp: NOW + 60,
  };
}

const hotel: ScenarioConfig = { id: 'hotel-checkin' };
const authorized = { scope: ['hotel-checkin'], subject: { name: '李四', name_masked: '李*', doc_type: 'CN-RIC', doc_no: '11010519491231002X' } };

test('a hotel desk keeps the authorized subject for sealing and shows only the masked name', () => {
  const d = decide(hotel, code, valid('personal', authorized), ctx);
  assert.equal(d.accepted, true);
  assert.equal(d.event_type, 'registration');
  assert.deepEqual(d.display, { name_masked: '李*' });
  assert.deepEqual(d.personal, { kind: 'code-subject', name: '李四', doc_type: 'CN-RIC', doc_no: '11010519491231002X' });
  assert.deepEqual(d.replay, { cti, until: NOW + 60 + 120 });
  assert.ok(!JSON.stringify(d.body).includes('李四'), 'the event body holds no personal data');
});

test('a hotel desk asks for authorization when the holder did not tap authorize or withheld an attribute', () => {
  assert.equal(decide(hotel, code, valid('personal', { ...authorized, scope: [] }), ctx).reason, 'authorization_required');
  const noDoc = { ...authorized, subject: { name: '李四' } };
  const d = decide(hotel, code, valid('personal', noDoc), ctx);
  assert.equal(d.reason, 'authorization_required');
  assert.equal(d.personal, null);
});

test('a verifier refusal is passed through unchanged and keeps nothing', () => {
  const v: VerifyResult = { ...valid('personal', authorized), valid: false, reason: 'expired' };
  const d = decide(hotel, code, v, ctx);
  assert.equal(d.accepted, false);
  assert.equal(d.reason, 'expired');
  assert.equal(d.personal, null);
  assert.equal(d.replay, null);
});

test('text that is no signed code is not_a_code', () => {
  const v: VerifyResult = { valid: false, reason: 'malformed', family: null, issuer: null, type: null, claims: null, replayed: false, cti: null, exp: null };
  assert.equal(decide({ id: 'verify' }, code, v, ctx).reason, 'not_a_code');
});

test('issuer and type restrictions, and the trust list age bound, come after the verifier', () => {
  assert.equal(decide({ id: 'verify', accept_issuers: ['MO'] }, code, valid('health'), ctx).reason, 'issuer_not_accepted');
  assert.equal(decide({ id: 'gate' }, code, valid('credential'), ctx).reason, 'type_not_allowed');
  assert.equal(decide({ id: 'verify', trust_max_age_s: 600 }, code, valid('health'), ctx).reason, 'trust_list_too_old');
  assert.equal(decide({ id: 'verify', trust_max_age_s: 600 }, code, valid('health'), { ...ctx, trustAge: null }).reason, 'trust_list_too_old');
  assert.equal(decide({ id: 'verify', trust_max_age_s: 7200 }, code, valid('health'), ctx).accepted, true);
});

test('a gate refuses yellow and red health codes and opens for green', () => {
  const health = (status: string) => valid('health', { health: { status, as_of: NOW } });
  assert.equal(decide({ id: 'gate' }, code, health('red'), ctx).reason, 'health_status');
  assert.equal(decide({ id: 'gate' }, code, health('yellow'), ctx).reason, 'health_status');
  const green = decide({ id: 'gate' }, code, health('green'), ctx);
  assert.equal(green.accepted, true);
  assert.deepEqual(green.effects, [{ kind: 'gate', opened: true }]);
  assert.equal(green.display.health, 'green');
  assert.equal(decide({ id: 'verify' }, code, health('red'), ctx).accepted, true, 'a plain verifier shows the colour, it does not judge it');
});

test('replays are re-shown at a desk and refused at a gate unless configured', () => {
  assert.equal(allowsReplay({ id: 'hotel-checkin' }), true);
  assert.equal(allowsReplay({ id: 'gate' }), false);
  assert.equal(allowsReplay({ id: 'gate', allow_replay: true }), true);
  const replayed = { ...valid('personal', authorized), replayed: true };
  const d = decide(hotel, code, replayed, ctx);
  assert.equal(d.accepted, true);
  assert.equal(d.replayed, true);
  assert.equal(d.replay, null, 'a replay is not recorded twice');
});

test('ID cards: a bad check digit or an expired card is refused; a long-term card is accepted', () => {
  const card = (fields: Record<string, unknown>): Reading => ({ kind: 'idcard', card: { card_type: 'resident', name: '王五', id_number: 'x', id_number_valid: true, valid_to: null, ...fields } });
  assert.equal(decide(hotel, card({ id_number_valid: false }), null, ctx).reason, 'id_number_invalid');
  assert.equal(decide(hotel, card({ valid_to: '2020-01-01' }), null, ctx).reason, 'document_expired');
  const ok = decide(hotel, card({ valid_to: null, photo: 'AAAA' }), null, ctx);
  assert.equal(ok.accepted, true);
  assert.equal((ok.personal as Record<string, unknown>).photo, undefined, 'the photo is never kept');
  assert.equal(decide({ id: 'gate' }, card({}), null, ctx).reason, 'not_a_code');
});
