import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { dscKeyEntry, hcertIssuerEntry, indexFromDocument } from './index.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

// DSCs from the public DCC vectors in ../shared, which CI always checks out beside the repo: a
// missing copy fails these tests (a skip would hide the only unit check of DSC usage).
// YSS_SHARED_DIR points elsewhere when the repository is copied (StrykerJS's sandbox).
const shared = process.env.YSS_SHARED_DIR ?? join(import.meta.dirname, '..', '..', '..', '..', 'shared');
const data = join(shared, 'dcc-testdata', 'common', '2DCode', 'raw');
const cert = (name: string) => Buffer.from(JSON.parse(readFileSync(join(data, `${name}.json`), 'utf8')).TESTCTX.CERTIFICATE, 'base64');

test('finds the DCC test data beside the repository', () => {
  assert.ok(existsSync(data), `no DCC test data at ${data}: check out shared/ beside the repository`);
});

test('derives the kid as the first 8 bytes of SHA-256 of the DER', () => {
  const der = cert('CO3');
  assert.equal(dscKeyEntry(der).kid, createHash('sha256').update(der).digest().subarray(0, 8).toString('base64url'));
});

test('maps EC keys to ES256 and RSA keys to PS256', () => {
  assert.equal(dscKeyEntry(cert('CO3')).alg, 'ES256');
  assert.equal(dscKeyEntry(cert('CO1')).alg, 'PS256');
});

test('reads the HCERT usage OIDs, including the deployed 0.1847 spelling', () => {
  assert.deepEqual(dscKeyEntry(cert('CO12')).usage, ['t']);
  assert.deepEqual(dscKeyEntry(cert('CO10')).usage, ['r']);
  assert.deepEqual(dscKeyEntry(cert('CO1')).usage, ['r', 't', 'v']);
  assert.equal(dscKeyEntry(cert('CO15')).usage, undefined);
});

/** A self-signed Ed25519 certificate made by openssl, with these extended key usages if any. */
function ed25519Cert(eku?: string): Buffer {
  const dir = tempDir('dsc-');
  try {
    const out = join(dir, 'c.der');
    const args = ['req', '-x509', '-newkey', 'ed25519', '-keyout', join(dir, 'k.pem'), '-nodes', '-out', out, '-outform', 'DER', '-days', '1', '-subj', '/CN=DSC'];
    execFileSync('openssl', eku ? [...args, '-addext', `extendedKeyUsage=${eku}`] : args, { stdio: 'pipe' });
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('maps an Ed25519 key to EdDSA, reads the 1847 spelling of t, v and r, and skips usages that are not HCERT', () => {
  const e = dscKeyEntry(ed25519Cert('serverAuth,1.3.6.1.4.1.1847.2021.1.2,1.3.6.1.4.1.1847.2021.1.3'));
  assert.equal(e.alg, 'EdDSA');
  assert.deepEqual(e.usage, ['r', 'v']);
  assert.deepEqual(dscKeyEntry(ed25519Cert('1.3.6.1.4.1.1847.2021.1.1')).usage, ['t']);
  assert.deepEqual(dscKeyEntry(ed25519Cert('serverAuth')).usage, undefined, 'no HCERT usage: every kind');
  assert.deepEqual(dscKeyEntry(ed25519Cert()).usage, undefined, 'no extended key usage at all: every kind');
});

test('takes validity from the certificate, to the second', () => {
  const e = dscKeyEntry(cert('CO3'));
  assert.equal(e.not_before, Date.UTC(2021, 4, 3, 18) / 1000);
  assert.equal(e.not_after, Date.UTC(2021, 5, 2, 18) / 1000);
});

test('builds an hcert issuer that the trust index accepts', () => {
  const issuer = hcertIssuerEntry([cert('CO3'), cert('CO1')]);
  const index = indexFromDocument({ format: 'yss-trust-list/1', sequence: 1, issued_at: 0, expires_at: 1, issuers: [issuer] });
  assert.equal(index.keysByKid.size, 2);
  const keys = [...index.keysByKid.values()].flat();
  assert.ok(keys.every((k) => k.key !== null && k.issuer.types.includes('hcert')));
  // The issuer id accept_issuers names by default, and a name in every kiosk language.
  const entry = hcertIssuerEntry([]) as { id: string; names: Record<string, string> };
  assert.equal(entry.id, 'DCC');
  for (const lang of ['zh-CN', 'zh-HK', 'en']) assert.ok((entry.names[lang] ?? '').length > 0, lang);
});
