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

export const GUANGDONG = {
  id: 'CN-44',
  names: {
    'zh-CN': '广东省政务服务数据管理局',
    'zh-HK': '廣東省政務服務數據管理局',
    en: 'Guangdong Government Service Data Administration',
  },
  types: ['personal', 'health', 'credential'],
};

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const YEAR = 365 * 86_400;

/** Creates root.json and issuer-CN-44.json in `dir` unless they exist; returns the root. */
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
  const issuerPath = join(dir, `issuer-${GUANGDONG.id}.json`);
  if (!existsSync(issuerPath)) {
    const kp = nacl.sign.keyPair();
    const issuer: IssuerFile = {
      issuer: GUANGDONG.id,
      alg: 'EdDSA',
      kid: b64(randomBytes(8)),
      x: b64(kp.publicKey),
      secret: b64(kp.secretKey),
      not_before: now - 86_400,
      not_after: now + 5 * YEAR,
      types: GUANGDONG.types,
      names: GUANGDONG.names,
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
