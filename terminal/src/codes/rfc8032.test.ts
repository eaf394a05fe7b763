// tweetnacl signs on the issuer side and node:crypto verifies on the terminal: both must agree
// with RFC 8032 §7.1 and with each other, including on signatures with a non-canonical S.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import nacl from 'tweetnacl';

const VECTORS = [
  {
    name: 'TEST 1 (empty message)',
    secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2 (one byte)',
    secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    public: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3 (two bytes)',
    secret: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    public: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
];

const hex = (s: string) => Buffer.from(s, 'hex');
const PKCS8_ED25519 = hex('302e020100300506032b657004220420');

function nodeKeys(secret: string) {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, hex(secret)]), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

for (const v of VECTORS) {
  test(`tweetnacl and node:crypto both produce and accept RFC 8032 ${v.name}`, () => {
    const kp = nacl.sign.keyPair.fromSeed(hex(v.secret));
    assert.equal(Buffer.from(kp.publicKey).toString('hex'), v.public);
    assert.equal(Buffer.from(nacl.sign.detached(hex(v.message), kp.secretKey)).toString('hex'), v.signature);
    const { privateKey, publicKey } = nodeKeys(v.secret);
    assert.equal(sign(null, hex(v.message), privateKey).toString('hex'), v.signature);
    assert.equal(verify(null, hex(v.message), publicKey, hex(v.signature)), true);
    assert.equal(nacl.sign.detached.verify(hex(v.message), hex(v.signature), hex(v.public)), true);
  });
}

test('tweetnacl signatures verify with node:crypto over random messages', () => {
  for (let i = 0; i < 20; i++) {
    const kp = nacl.sign.keyPair();
    const msg = nacl.randomBytes(i * 17);
    const sig = nacl.sign.detached(msg, kp.secretKey);
    const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(kp.publicKey).toString('base64url') }, format: 'jwk' });
    assert.equal(verify(null, msg, pub, sig), true);
    sig[10]! ^= 0x40;
    assert.equal(verify(null, msg, pub, sig), false);
  }
});

test('node:crypto rejects a signature whose S is not reduced mod L, as codes.md §3 requires', () => {
  const v = VECTORS[1]!;
  const sig = hex(v.signature);
  // S + L: the same point equation holds, but RFC 8032 §5.1.7 requires S < L.
  const L = (1n << 252n) + 27742317777372353535851937790883648493n;
  let s = 0n;
  for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!);
  let t = s + L;
  const malleable = Buffer.from(sig);
  for (let i = 0; i < 32; i++) {
    malleable[32 + i] = Number(t & 0xffn);
    t >>= 8n;
  }
  assert.equal(verify(null, hex(v.message), createPublicKey(nodeKeys(v.secret).privateKey), malleable), false);
});
