import assert from 'node:assert/strict';
import { test } from 'node:test';
import nacl from 'tweetnacl';
import { openSealed, Sealer } from './seal.ts';

const service = nacl.box.keyPair();
const personal = { name: '张三', doc_type: 'resident_id', doc_no: '440101199001011234' };

test('a sealed value opens with the service secret key and nothing else', () => {
  const s = new Sealer(service.publicKey);
  const sealed = s.seal(personal);
  assert.deepEqual(openSealed(sealed, service.secretKey), personal);
  assert.throws(() => openSealed(sealed, nacl.box.keyPair().secretKey), /does not open/);
});

test('the sealed form contains neither the name nor the ID number, in any encoding the JSON uses', () => {
  const text = JSON.stringify(new Sealer(service.publicKey).seal(personal));
  assert.ok(!text.includes('440101199001011234'));
  assert.ok(!text.includes('张三'));
  assert.ok(!text.includes(JSON.stringify('张三').slice(1, -1)));
});

test('events of one epoch share an ephemeral key; each gets its own nonce', () => {
  const s = new Sealer(service.publicKey, { maxEvents: 3 });
  const a = s.seal(personal);
  const b = s.seal(personal);
  assert.equal(a.epk, b.epk);
  assert.notEqual(a.n, b.n);
  assert.notEqual(a.c, b.c);
});

test('the key pair rotates after maxEvents and after maxAgeMs', () => {
  let now = 0;
  const s = new Sealer(service.publicKey, { maxEvents: 2, maxAgeMs: 1000, now: () => now });
  const e1 = s.seal(1).epk;
  assert.equal(s.seal(2).epk, e1);
  const e2 = s.seal(3).epk;
  assert.notEqual(e2, e1, 'rotated by count');
  now = 2000;
  assert.notEqual(s.seal(4).epk, e2, 'rotated by age');
});

test('after rotation the sealer keeps nothing that opens an earlier epoch', () => {
  const s = new Sealer(service.publicKey, { maxEvents: 1 });
  const old = s.seal(personal);
  const internals = s as unknown as { shared: Uint8Array };
  const before = internals.shared;
  s.rotate();
  s.forget();
  s.rotate();
  assert.ok(before.every((b) => b === 0), 'the old shared key was wiped');
  const ciphertext = Buffer.from(old.c, 'base64url');
  const nonce = Buffer.from(old.n, 'base64url');
  assert.equal(nacl.box.open.after(ciphertext, nonce, internals.shared), null, 'the new epoch key does not open the old event');
  assert.deepEqual(openSealed(old, service.secretKey), personal, 'the service still does');
});

test('a seal key of the wrong length is refused', () => {
  assert.throws(() => new Sealer(new Uint8Array(31)), /32 bytes/);
});

test('an idle sealer wipes its epoch key when the epoch age runs out', async () => {
  const s = new Sealer(service.publicKey, { maxAgeMs: 20 });
  s.seal(personal);
  const internals = s as unknown as { shared: Uint8Array | null };
  const key = internals.shared!;
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(internals.shared, null);
  assert.ok(key.every((b) => b === 0));
  assert.deepEqual(openSealed(s.seal(personal), service.secretKey), personal, 'sealing starts a new epoch');
});
