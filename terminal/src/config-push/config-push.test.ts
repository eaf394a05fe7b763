import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import nacl from 'tweetnacl';
import { docTable } from '../../../scripts/lib/doc-table.ts';
import { venueFile } from '../../../scripts/lib/venue-devices.ts';
import { CONFIG_PUSH_FORMAT, ed25519PrivateKey, hashPin, signConfigPush, type ConfigPushPayload, type PushedConfig } from '../protocol/index.ts';
import { parseVenue } from '../venue/index.ts';
import { checkPush, CONFIG_PUSH_ERRORS, configWithPush, newNeeds, PushStore, venueNeeds, type BaseConfig } from './index.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

const DOC = join(import.meta.dirname, '../../../docs/terminal-errors.md');

function serviceKey() {
  const seed = randomBytes(32);
  return { key: ed25519PrivateKey(seed), x: Buffer.from(nacl.sign.keyPair.fromSeed(seed).publicKey).toString('base64url') };
}

const service = serviceKey();
const ROOT = `root-1:${'A'.repeat(43)}`;
const base: BaseConfig = {
  raw: {
    data_dir: 'data',
    api: { staff_pin: '402252' },
    trust: { roots: [ROOT] },
    sync: { url: 'http://127.0.0.1:1', seal_key: 'B'.repeat(43) },
    venue: venueFile('desk'),
    devices: [{ id: 'scanner-1', role: 'scanner', kind: 'serial-scanner', path: '/dev/ttyACM0' }],
  },
  dir: '/etc/yss',
  file: '/etc/yss/terminal.json',
};
const doc = (config: PushedConfig, o: Partial<ConfigPushPayload> = {}, key = service.key) =>
  signConfigPush({ format: CONFIG_PUSH_FORMAT, terminal_id: 't-1', version: 3, issued_at: 1_800_000_000_000, config, ...o }, key, 'k');
const check = (jws: string, highest = 2, configKey: string | null = service.x) => checkPush(jws, { configKey, terminalId: 't-1', highest, base });

test('docs/terminal-errors.md § Config push lists exactly the catalog, in its order, each with a description and a remedy', () => {
  const rows = docTable(DOC, 'Config push');
  assert.deepEqual(rows.map((r) => r[0]), Object.keys(CONFIG_PUSH_ERRORS));
  for (const [code, description, solve] of rows) {
    assert.ok((description ?? '').length > 30, `${code} says what it means`);
    assert.ok((solve ?? '').length > 20, `${code} says how to solve it`);
  }
});

test('a genuine newer push is laid over the config file: PIN, and the trust age bound over the venue file it names', () => {
  const r = check(doc({ staff_pin: '135790', trust_max_age_s: 86_400 }));
  assert.ok(r.ok);
  assert.equal(r.version, 3);
  assert.equal(r.config.api.staff_pin, '135790');
  assert.equal(r.config.venue.name, 'desk');
  assert.equal(r.config.venue.trust_max_age_s, 86_400);
  assert.equal(r.config.data_dir, '/etc/yss/data', 'relative paths still start from the config file');
});

test('a pushed PIN hash replaces the file\'s PIN in both forms, and a pushed plain PIN clears a hash', async () => {
  const hash = await hashPin('135790', { ln: 10, r: 8, p: 1 });
  const r = check(doc({ staff_pin_hash: hash }));
  assert.ok(r.ok);
  assert.deepEqual([r.config.api.staff_pin, r.config.api.staff_pin_hash], ['', hash], 'the file\'s PIN 402252 no longer signs in');
  const plain = configWithPush({ ...base, raw: { ...base.raw, api: { staff_pin_hash: hash } } }, { staff_pin: '246810' }, 4);
  assert.deepEqual([plain.api.staff_pin, plain.api.staff_pin_hash], ['246810', null]);
  const bad = check(doc({ staff_pin_hash: `$scrypt$ln=24,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$${'A'.repeat(43)}` }));
  assert.deepEqual(bad.ok ? null : [bad.reason, bad.held], ['YSS_CONFIG_PUSH_INVALID: config.api.staff_pin_hash: expected an scrypt hash a terminal can check', true]);
});

test('a push signed with another key, or not a config document, is refused and not held', () => {
  const other = check(doc({ staff_pin: '135790' }, {}, serviceKey().key));
  assert.deepEqual(other.ok ? null : [other.reason.split(':')[0], other.held, other.version], ['YSS_CONFIG_PUSH_BAD_SIGNATURE', false, 3]);
  const parts = doc({ staff_pin: '135790' }).split('.');
  const tampered = check([parts[0], Buffer.from(JSON.stringify({ format: CONFIG_PUSH_FORMAT, terminal_id: 't-1', version: 9, issued_at: 1, config: { staff_pin: '000000' } })).toString('base64url'), parts[2]].join('.'));
  assert.equal(tampered.ok, false);
  assert.match(tampered.ok ? '' : tampered.reason, /^YSS_CONFIG_PUSH_BAD_SIGNATURE: the signature does not verify/);
  for (const junk of ['', 'a.b', 'not.a.jws!', `${parts[0]}.${parts[1]}`]) assert.match((check(junk) as { reason: string }).reason, /^YSS_CONFIG_PUSH_BAD_SIGNATURE: not a compact JWS/);
  const noKey = check(doc({ staff_pin: '135790' }), 2, null);
  assert.match(noKey.ok ? '' : noKey.reason, /^YSS_CONFIG_PUSH_NO_KEY/);
});

test('a push for another terminal, or not newer than what is held, is refused and not held', () => {
  const wrong = check(doc({ staff_pin: '135790' }, { terminal_id: 't-2' }));
  assert.match(wrong.ok ? '' : wrong.reason, /^YSS_CONFIG_PUSH_WRONG_TERMINAL: the document was signed for terminal t-2, not this one \(t-1\)/);
  for (const highest of [3, 7]) {
    const old = check(doc({ staff_pin: '135790' }), highest);
    assert.deepEqual(old.ok ? null : [old.reason, old.held], [`YSS_CONFIG_PUSH_ROLLBACK: version 3 is not newer than version ${highest}, already applied or refused here`, false]);
  }
});

test('a push that fails the venue schema, the PIN policy or the cross-checks is refused with every problem by path, and held', () => {
  const desk = venueJson('desk');
  const r = check(doc({ venue: { ...desk, kind: 'gate', replay: { per: 'code', on_replay: 'maybe' } }, staff_pin: '12' }));
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.held, true);
  assert.match(r.reason, /^YSS_CONFIG_PUSH_INVALID: /);
  assert.match(r.reason, /config\.api\.staff_pin: expected 4 to 12 digits(;|$)/);
  assert.doesNotMatch(r.reason, /"12"/, 'a PIN refused is named, never quoted');
  assert.match(r.reason, /config\.venue\.replay\.on_replay: must be one of refuse, flag/);
  assert.match(r.reason, /a gate must have an "open-gate" action naming its relay/);
  const relay = check(doc({ venue: { ...desk, kind: 'gate', actions: [{ do: 'open-gate', relay: 'relay-9' }] } }));
  assert.match(relay.ok ? '' : relay.reason, /config\.venue\.actions\[0\]\.relay: "relay-9" is not the id of a device with role "relay"/);
});

test('a trial waits only for the devices the new venue needs and the old one did not', () => {
  const desk = parseVenue(venueJson('desk'));
  const hotel = parseVenue(venueJson('hotel'));
  assert.deepEqual(venueNeeds(desk).map((n) => n.what), ['a scanner']);
  const added = newNeeds(hotel, desk).map((n) => n.what);
  assert.ok(added.includes('an ID-card reader') && !added.includes('a scanner'), added.join(', '));
  const reader = venueNeeds(hotel).find((n) => n.what === 'an ID-card reader')!;
  const health = (state: string) => [{ id: 'idcard-1', role: 'idcard' as const, kind: 'ga467-reader', state: state as 'connected', path: null, detail: null, last_reading_at: null }];
  assert.equal(reader.met(health('connected')), true);
  assert.equal(reader.met(health('disconnected')), false);
});

test('the push store is written whole, 0600, and a damaged one is named with the way out', () => {
  const dir = tempDir('yss-push-store-');
  try {
    const store = new PushStore(dir);
    assert.equal(store.highest(), 0);
    store.write({ applied: { version: 2, jws: 'a' }, pending: null, rejected: { version: 5, reason: 'x', at: 1 }, etag: '"c-5-0"' });
    assert.equal(store.highest(), 5);
    assert.equal(statSync(store.path).mode & 0o777, 0o600);
    writeFileSync(store.path, '{"applied":');
    assert.throws(() => store.read(), /config push file .* is damaged .*: move it aside to start on the config file alone/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function venueJson(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(venueFile(name), 'utf8')) as Record<string, unknown>;
}
