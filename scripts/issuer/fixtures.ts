// `npx tsx scripts/issuer/fixtures.ts`: (re)writes fixtures/keys/trust-list.jws and
// fixtures/codes/samples.json from the test keys in fixtures/keys (created once if absent).
// Samples carry the time to verify them at and the result the verifier must give.
import { generateKeyPairSync, randomBytes, createPrivateKey, sign as nodeSign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nacl from 'tweetnacl';
import { buildCoseSign1, cborEncode, encodeCodeText, ALG_ES256, ALG_EDDSA, ed25519Signer, yssClaims, type YssClaimsInput } from '../../terminal/src/codes/index.ts';
import { signTrustList, subHash } from '../../terminal/src/trust/index.ts';
import { GUANGDONG, keygen, loadIssuer, loadRoot, secretOf, type IssuerFile } from './keys.ts';

const repo = join(import.meta.dirname, '..', '..');
const keysDir = join(repo, 'fixtures', 'keys');
const codesDir = join(repo, 'fixtures', 'codes');

/** Sample time: 2026-11-23T08:53:20Z. Lists and keys below are valid around it. */
export const FIXTURE_AT = 1_795_400_000;
const ISSUED_AT = 1_795_392_000;
const EXPIRES_AT = 2_114_380_800; // 2037-01-01: fixtures should not rot

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');

function macauKey(): IssuerFile {
  const path = join(keysDir, 'issuer-MO.json');
  if (!existsSync(path)) {
    const kp = nacl.sign.keyPair();
    const file: IssuerFile = {
      issuer: 'MO',
      alg: 'EdDSA',
      kid: b64(randomBytes(8)),
      x: b64(kp.publicKey),
      secret: b64(kp.secretKey),
      not_before: 1_767_225_600,
      not_after: 1_830_297_600,
      types: ['health'],
      names: { 'zh-CN': '澳门特别行政区卫生局', 'zh-HK': '澳門特別行政區衛生局', en: 'Health Bureau of Macao SAR' },
    };
    writeFileSync(path, JSON.stringify(file, null, 2) + '\n');
  }
  return JSON.parse(readFileSync(path, 'utf8')) as IssuerFile;
}

function hcertKey(): { kid: string; pkcs8: string; spki: string } {
  const path = join(keysDir, 'hcert-DCC.json');
  if (!existsSync(path)) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const file = {
      kid: b64(randomBytes(8)),
      pkcs8: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
      spki: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    };
    writeFileSync(path, JSON.stringify(file, null, 2) + '\n');
  }
  return JSON.parse(readFileSync(path, 'utf8'));
}

interface Sample {
  name: string;
  text: string;
  at: number;
  expect: { valid: boolean; reason: string | null; family: string | null; type: string | null };
}

function main(): void {
  mkdirSync(codesDir, { recursive: true });
  keygen(keysDir, FIXTURE_AT);
  const root = loadRoot(keysDir);
  const gd = loadIssuer(keysDir, 'CN-44');
  const mo = macauKey();
  const hc = hcertKey();
  const payload = {
    format: 'yss-trust-list/1',
    sequence: 1,
    issued_at: ISSUED_AT,
    expires_at: EXPIRES_AT,
    issuers: [
      { id: gd.issuer, names: GUANGDONG.names, types: GUANGDONG.types, keys: [{ kid: gd.kid, alg: 'EdDSA', x: gd.x, not_before: gd.not_before, not_after: gd.not_after }] },
      { id: mo.issuer, names: mo.names, types: mo.types, keys: [{ kid: mo.kid, alg: 'EdDSA', x: mo.x, not_before: mo.not_before, not_after: mo.not_after }] },
      {
        id: 'DCC',
        names: { 'zh-CN': '欧盟数字新冠证书', 'zh-HK': '歐盟數碼新冠證書', en: 'EU Digital COVID Certificate' },
        types: ['hcert'],
        keys: [{ kid: hc.kid, alg: 'ES256', spki: hc.spki, not_before: 1_767_225_600, not_after: 1_830_297_600 }],
      },
    ],
    revoked: { kids: [], cti: [], sub: [subHash('CN-44', 'u-revoked')] },
  };
  writeFileSync(join(keysDir, 'trust-list.jws'), signTrustList(payload, { kid: root.kid, secretKey: secretOf(root) }) + '\n');
  writeFileSync(join(keysDir, 'root.txt'), `${root.kid}:${root.x}\n`);

  const at = FIXTURE_AT;
  const yss = (issuer: IssuerFile, c: Partial<YssClaimsInput>, secret = secretOf(issuer)) => {
    const iat = c.iat ?? at - 10;
    const cose = buildCoseSign1({
      protectedHeader: new Map<number, unknown>([[1, ALG_EDDSA], [4, Buffer.from(issuer.kid, 'base64url')]]),
      payload: cborEncode(
        yssClaims({ iss: issuer.issuer, sub: 'u-7f3a9c', type: 'personal', iat, exp: iat + 60, cti: randomBytes(16), ...c }),
      ),
      sign: ed25519Signer(secret),
    });
    return encodeCodeText('YSS1', cose);
  };
  const hcert = () => {
    const key = createPrivateKey({ key: Buffer.from(hc.pkcs8, 'base64'), format: 'der', type: 'pkcs8' });
    const claims = new Map<number, unknown>([
      [1, 'AT'],
      [4, at + 180 * 86_400],
      [6, at - 86_400],
      [-260, new Map([[1, { ver: '1.3.0', nam: { fn: 'Muster', gn: 'Erika', fnt: 'MUSTER', gnt: 'ERIKA' }, dob: '1964-08-12', v: [{ tg: '840539006', dn: 2, sd: 2 }] }]])],
    ]);
    const cose = buildCoseSign1({
      protectedHeader: new Map<number, unknown>([[1, ALG_ES256], [4, Buffer.from(hc.kid, 'base64url')]]),
      payload: cborEncode(claims),
      sign: (d) => nodeSign('sha256', d, { key, dsaEncoding: 'ieee-p1363' }),
    });
    return encodeCodeText('HC1', cose);
  };
  const subject = { name: '张小明', name_masked: '张*明', doc_type: 'CN-RIC', doc_no: '440106199001011234', birth_date: '1990-01-01', sex: 'M', nationality: 'CHN' };
  const ok = (type: string, family = 'YSS1') => ({ valid: true, reason: null, family, type });
  const bad = (reason: string, type: string | null = 'personal', family: string | null = 'YSS1') => ({ valid: false, reason, family, type });
  const samples: Sample[] = [
    { name: 'personal code, nothing authorized', text: yss(gd, {}), at, expect: ok('personal') },
    { name: 'personal code authorized for hotel check-in', text: yss(gd, { scope: ['hotel-checkin'], subject }), at, expect: ok('personal') },
    { name: 'personal code authorized for a hospital, name only', text: yss(gd, { scope: ['hospital-checkin'], subject: { name: '李华', name_masked: '李*' } }), at, expect: ok('personal') },
    { name: 'health code, green', text: yss(gd, { type: 'health', exp: at + 3600, health: { status: 'green', as_of: at - 600 } }), at, expect: ok('health') },
    { name: 'health code, yellow', text: yss(gd, { type: 'health', exp: at + 3600, health: { status: 'yellow', as_of: at - 600 } }), at, expect: ok('health') },
    { name: 'health code, red', text: yss(gd, { type: 'health', exp: at + 3600, health: { status: 'red', as_of: at - 600 } }), at, expect: ok('health') },
    { name: 'Macau health code (mutual recognition)', text: yss(mo, { type: 'health', exp: at + 3600, health: { status: 'green', as_of: at - 600 } }), at, expect: ok('health') },
    { name: 'e-credential: resident ID', text: yss(gd, { type: 'credential', exp: at + 600, credential: { type: 'resident-id', no: '4401**********1234', holder: '张小明', valid_from: '2020-01-01', valid_until: '2040-01-01', issuer_name: '广州市公安局' } } as Partial<YssClaimsInput>), at, expect: ok('credential') },
    { name: 'expired personal code', text: yss(gd, { iat: at - 600 }), at, expect: bad('expired') },
    { name: 'personal code from the future', text: yss(gd, { iat: at + 600 }), at, expect: bad('not_yet_valid') },
    { name: 'personal code living too long', text: yss(gd, { exp: at - 10 + 3600 }), at, expect: bad('lifetime_too_long') },
    { name: 'holder revoked', text: yss(gd, { sub: 'u-revoked' }), at, expect: bad('revoked') },
    { name: 'Macau key signing a personal code', text: yss(mo, {}), at, expect: bad('type_not_allowed') },
    { name: 'signed with a key not in the list', text: yss({ ...gd, kid: b64(randomBytes(8)) }, {}), at, expect: bad('unknown_key') },
    { name: 'signature by another key under the right kid', text: yss(gd, {}, nacl.sign.keyPair().secretKey), at, expect: bad('bad_signature') },
    { name: 'issuer claim that does not match the key', text: yss({ ...gd, issuer: 'CN-11' }, {}, secretOf(gd)), at, expect: bad('issuer_mismatch') },
    { name: 'EU DCC vaccination certificate', text: hcert(), at, expect: ok('hcert', 'HC1') },
    { name: 'not a signed code', text: 'https://example.com/', at, expect: bad('malformed', null, null) },
  ];
  writeFileSync(join(codesDir, 'samples.json'), JSON.stringify({ at, root: `${root.kid}:${root.x}`, trust_list: 'fixtures/keys/trust-list.jws', samples }, null, 2) + '\n');
  console.log(`wrote ${samples.length} samples; root ${root.kid}:${root.x}`);
}

main();
