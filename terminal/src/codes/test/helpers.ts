// Shared by the codes and trust tests, the fuzzer and the benchmarks: a small world of keys, a
// signed trust list over them, and code builders that can break any one thing on purpose.
import { generateKeyPairSync, randomBytes, sign as nodeSign, constants, type KeyObject } from 'node:crypto';
import nacl from 'tweetnacl';
import { openTrustList, signTrustList, type RootKey, type TrustIndex } from '../../trust/index.ts';
import { ALG_EDDSA, ALG_ES256, ALG_PS256 } from '../decode.ts';
import { cborEncode } from '../cbor.ts';
import { buildCoseSign1, ed25519Signer, encodeCodeText, yssClaims, type YssClaimsInput } from '../mint.ts';

export const NOW = 1_795_400_000;
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');

export interface TestRoot {
  root: RootKey;
  secretKey: Uint8Array;
}

export function makeRoot(): TestRoot {
  const kp = nacl.sign.keyPair();
  return { root: { kid: b64(randomBytes(8)), x: b64(kp.publicKey) }, secretKey: kp.secretKey };
}

export interface EdKey {
  kid: Uint8Array;
  secretKey: Uint8Array;
  x: string;
}

export function makeEdKey(): EdKey {
  const kp = nacl.sign.keyPair();
  return { kid: randomBytes(8), secretKey: kp.secretKey, x: b64(kp.publicKey) };
}

export interface NodeKey {
  kid: Uint8Array;
  privateKey: KeyObject;
  spki: string;
}

export function makeEcKey(curve = 'prime256v1'): NodeKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  return { kid: randomBytes(8), privateKey, spki: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
}

export function makeRsaKey(bits = 2048): NodeKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return { kid: randomBytes(8), privateKey, spki: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
}

export const es256Signer = (k: KeyObject) => (data: Uint8Array) =>
  nodeSign('sha256', data, { key: k, dsaEncoding: 'ieee-p1363' });
export const ps256Signer = (k: KeyObject, saltLength = 32) => (data: Uint8Array) =>
  nodeSign('sha256', data, { key: k, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });

export interface World {
  root: TestRoot;
  gd: EdKey;
  gdEs: NodeKey;
  mo: EdKey;
  hc: NodeKey;
  hcRsa: NodeKey;
  payload: Record<string, unknown>;
  jws: string;
  index: TrustIndex;
}

const YEAR = 365 * 86_400;

/** A trust list with Guangdong (EdDSA + ES256), Macau (health only) and an HCERT issuer. */
export function makeWorld(extra: { revoked?: Record<string, string[]>; sequence?: number } = {}): World {
  const root = makeRoot();
  const gd = makeEdKey();
  const gdEs = makeEcKey();
  const mo = makeEdKey();
  const hc = makeEcKey();
  const hcRsa = makeRsaKey();
  const validity = { not_before: NOW - YEAR, not_after: NOW + YEAR };
  const payload = {
    format: 'yss-trust-list/1',
    sequence: extra.sequence ?? 1,
    issued_at: NOW - 3600,
    expires_at: NOW + 14 * 86_400,
    issuers: [
      {
        id: 'CN-44',
        names: { 'zh-CN': '广东', en: 'Guangdong' },
        types: ['personal', 'health', 'credential'],
        keys: [
          { kid: b64(gd.kid), alg: 'EdDSA', x: gd.x, ...validity },
          { kid: b64(gdEs.kid), alg: 'ES256', spki: gdEs.spki, ...validity },
        ],
      },
      { id: 'MO', names: { en: 'Macau' }, types: ['health'], keys: [{ kid: b64(mo.kid), alg: 'EdDSA', x: mo.x, ...validity }] },
      {
        id: 'DCC',
        names: { en: 'EU DCC' },
        types: ['hcert'],
        keys: [
          { kid: b64(hc.kid), alg: 'ES256', spki: hc.spki, ...validity },
          { kid: b64(hcRsa.kid), alg: 'PS256', spki: hcRsa.spki, ...validity },
        ],
      },
    ],
    revoked: { kids: [], cti: [], sub: [], ...extra.revoked },
  };
  const jws = signTrustList(payload, { kid: root.root.kid, secretKey: root.secretKey });
  const opened = openTrustList(jws, [root.root]);
  if (!opened.ok) throw new Error(opened.message);
  return { root, gd, gdEs, mo, hc, hcRsa, payload, jws, index: opened.index };
}

export interface YssCodeOptions extends Partial<YssClaimsInput> {
  key?: EdKey;
  /** Overrides the claims map after it is built (to break types). */
  edit?: (claims: Map<number, unknown>) => void;
  protectedHeader?: Map<number, unknown>;
  unprotectedHeader?: Map<number, unknown>;
  sign?: (data: Uint8Array) => Uint8Array;
  tamper?: (sig: Uint8Array) => Uint8Array;
  tags?: number[];
  compressed?: boolean;
}

/** A YSS1 code from Guangdong's EdDSA key, valid at NOW unless told otherwise. */
export function yssCode(w: World, o: YssCodeOptions = {}): string {
  const key = o.key ?? w.gd;
  const iat = o.iat ?? NOW - 10;
  const claims = yssClaims({
    iss: o.iss ?? 'CN-44',
    sub: o.sub ?? 'u-1234',
    type: o.type ?? 'personal',
    iat,
    exp: o.exp ?? iat + 60,
    nbf: o.nbf,
    cti: o.cti ?? randomBytes(16),
    scope: o.scope,
    subject: o.subject,
    health: o.health,
  });
  o.edit?.(claims);
  const cose = buildCoseSign1({
    protectedHeader:
      o.protectedHeader ??
      new Map<number, unknown>([
        [1, ALG_EDDSA],
        [4, key.kid],
      ]),
    unprotectedHeader: o.unprotectedHeader,
    payload: cborEncode(claims),
    sign: o.sign ?? ed25519Signer(key.secretKey),
    tamper: o.tamper,
    tags: o.tags,
  });
  return encodeCodeText('YSS1', cose, o.compressed ?? true);
}

export interface HcertCodeOptions {
  key?: NodeKey;
  alg?: number;
  kidWhere?: 'protected' | 'unprotected';
  algWhere?: 'protected' | 'unprotected';
  iat?: number;
  exp?: number;
  kind?: 'v' | 't' | 'r';
  tags?: number[];
  sign?: (data: Uint8Array) => Uint8Array;
  compressed?: boolean;
}

/** An HC1 code signed by the HCERT ES256 key (or `key`), valid at NOW. */
export function hcertCode(w: World, o: HcertCodeOptions = {}): string {
  const key = o.key ?? w.hc;
  const alg = o.alg ?? (key === w.hcRsa ? ALG_PS256 : ALG_ES256);
  const prot = new Map<number, unknown>();
  const unprot = new Map<number, unknown>();
  (o.algWhere === 'unprotected' ? unprot : prot).set(1, alg);
  (o.kidWhere === 'unprotected' ? unprot : prot).set(4, key.kid);
  const iat = o.iat ?? NOW - 86_400;
  const dgc = { ver: '1.3.0', nam: { fn: 'Muster', gn: 'Erika' }, dob: '1964-08-12', [o.kind ?? 'v']: [{ tg: '840539006' }] };
  const claims = new Map<number, unknown>([
    [1, 'AT'],
    [4, o.exp ?? iat + 365 * 86_400],
    [6, iat],
    [-260, new Map([[1, dgc]])],
  ]);
  const sign = o.sign ?? (alg === ALG_PS256 ? ps256Signer(key.privateKey) : es256Signer(key.privateKey));
  const cose = buildCoseSign1({ protectedHeader: prot, unprotectedHeader: unprot, payload: cborEncode(claims), sign, tags: o.tags });
  return encodeCodeText('HC1', cose, o.compressed ?? true);
}
