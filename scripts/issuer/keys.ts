// Demo issuer key files (never production keys). root.json signs trust lists; each
// issuer-<id>.json is one issuer's code-signing key.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nacl from 'tweetnacl';

export interface RootFile {
  kid: string;
  x: string;
  /** tweetnacl secret key (64 bytes), base64url. */
  secret: string;
}

export interface IssuerFile {
  issuer: string;
  alg: 'EdDSA';
  kid: string;
  x: string;
  secret: string;
  not_before: number;
  not_after: number;
  types: string[];
  names: Record<string, string>;
}

export interface IssuerInfo {
  id: string;
  names: Record<string, string>;
  types: string[];
}

export const GUANGDONG: IssuerInfo = {
  id: 'CN-44',
  names: {
    'zh-CN': '广东省政务服务数据管理局',
    'zh-HK': '廣東省政務服務數據管理局',
    en: 'Guangdong Government Service Data Administration',
  },
  types: ['personal', 'health', 'credential'],
};

/**
 * Every issuer the demo mints for: Guangdong, and the mutually recognized issuers a venue may
 * meet (Beijing and Jiangxi personal codes and credentials, Macau health codes only).
 */
export const DEMO_ISSUERS: readonly IssuerInfo[] = [
  GUANGDONG,
  { id: 'CN-11', names: { 'zh-CN': '北京市政务服务管理局', 'zh-HK': '北京市政務服務管理局', en: 'Beijing Municipal Government Service Administration' }, types: ['personal', 'health', 'credential'] },
  { id: 'CN-36', names: { 'zh-CN': '江西省政务服务管理办公室', 'zh-HK': '江西省政務服務管理辦公室', en: 'Jiangxi Provincial Government Service Administration' }, types: ['personal', 'health', 'credential'] },
  { id: 'MO', names: { 'zh-CN': '澳门特别行政区卫生局', 'zh-HK': '澳門特別行政區衛生局', en: 'Health Bureau of Macao SAR' }, types: ['health'] },
];

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const YEAR = 365 * 86_400;

/** Creates root.json and one issuer-<id>.json per demo issuer in `dir`, each unless it exists; returns the root. */
export function keygen(dir: string, now = Math.floor(Date.now() / 1000)): { root: RootFile; created: string[] } {
  mkdirSync(dir, { recursive: true });
  const created: string[] = [];
  const rootPath = join(dir, 'root.json');
  if (!existsSync(rootPath)) {
    const kp = nacl.sign.keyPair();
    const root: RootFile = { kid: b64(randomBytes(8)), x: b64(kp.publicKey), secret: b64(kp.secretKey) };
    writeFileSync(rootPath, JSON.stringify(root, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    created.push(rootPath);
  }
  for (const info of DEMO_ISSUERS) {
    const issuerPath = join(dir, `issuer-${info.id}.json`);
    if (existsSync(issuerPath)) continue;
    const kp = nacl.sign.keyPair();
    const issuer: IssuerFile = {
      issuer: info.id,
      alg: 'EdDSA',
      kid: b64(randomBytes(8)),
      x: b64(kp.publicKey),
      secret: b64(kp.secretKey),
      not_before: now - 86_400,
      not_after: now + 5 * YEAR,
      types: info.types,
      names: info.names,
    };
    writeFileSync(issuerPath, JSON.stringify(issuer, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    created.push(issuerPath);
  }
  return { root: loadRoot(dir), created };
}

export function loadRoot(dir: string): RootFile {
  return readJson<RootFile>(join(dir, 'root.json'));
}

export function loadIssuers(dir: string): IssuerFile[] {
  return readdirSync(dir)
    .filter((f) => /^issuer-.+\.json$/.test(f))
    .sort()
    .map((f) => readJson<IssuerFile>(join(dir, f)));
}

export function loadIssuer(dir: string, id: string): IssuerFile {
  const path = join(dir, `issuer-${id}.json`);
  if (!existsSync(path)) throw new Error(`no key for issuer ${id}: ${path} does not exist (run keygen --out ${dir})`);
  return readJson<IssuerFile>(path);
}

export function secretOf(file: { secret: string }): Uint8Array {
  return new Uint8Array(Buffer.from(file.secret, 'base64url'));
}

function readJson<T>(path: string): T {
  if (!existsSync(path)) throw new Error(`${path} does not exist (run keygen first)`);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
