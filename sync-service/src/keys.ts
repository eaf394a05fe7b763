// The service's X25519 key pair: terminals seal personal data to its public half; only the
// service opens it. Kept in the data folder, readable by the service's user only. Several nodes
// sharing one PostgreSQL must seal to one key: give them the same file (docs/scale.md); nodes
// started at once on an empty shared folder agree on the first one written.
import nacl from 'tweetnacl';
import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ed25519PrivateKey, ed25519PublicKey } from '../../terminal/src/protocol/index.ts';

export interface SealKeys {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

const KEY_REMEDY =
  'Do not delete it: a new key would not open what terminals already sealed. Restore it from the backup of the data folder; see docs/security.md, "Recovery".';

export function loadOrCreateSealKeys(dataDir: string): SealKeys {
  const path = join(dataDir, 'seal-key.json');
  const read = (): SealKeys => {
    let f: { public_key?: unknown; secret_key?: unknown };
    try {
      f = JSON.parse(readFileSync(path, 'utf8')) as typeof f;
    } catch (e) {
      throw new Error(`the seal key file ${path} is damaged (${(e as Error).message}). ${KEY_REMEDY}`, { cause: e });
    }
    const publicKey = typeof f.public_key === 'string' ? Buffer.from(f.public_key, 'base64url') : Buffer.alloc(0);
    const secretKey = typeof f.secret_key === 'string' ? Buffer.from(f.secret_key, 'base64url') : Buffer.alloc(0);
    if (publicKey.length !== 32 || secretKey.length !== 32) throw new Error(`the seal key file ${path} does not hold two 32-byte keys. ${KEY_REMEDY}`);
    return { publicKey, secretKey };
  };
  if (existsSync(path)) return read();
  const pair = nacl.box.keyPair();
  const json = JSON.stringify({ public_key: Buffer.from(pair.publicKey).toString('base64url'), secret_key: Buffer.from(pair.secretKey).toString('base64url') });
  return createOnce(dataDir, path, json) ? pair : read();
}

/**
 * Writes `json` to `path` unless another process got there first (false then). Written whole
 * under a private name, then linked in place: link() fails if the file exists, and a reader
 * never sees half a file.
 */
function createOnce(dataDir: string, path: string, json: string): boolean {
  mkdirSync(dataDir, { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, json, { mode: 0o600 });
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return false;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** The service's Ed25519 key that signs config pushes (docs/config-push.md); terminals pin its public half at enrollment. */
export interface ConfigKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The raw public key, base64url (43 characters): what the enrollment reply carries. */
  x: string;
  /** A short name of the key: the first 16 hex digits of the public key's SHA-256. */
  kid: string;
}

const CONFIG_KEY_REMEDY =
  'Restore it from the backup of the data folder: terminals enrolled with it refuse config pushes signed by any other key (docs/config-push.md).';

/** The config-signing key in `config-key.json` (0600), made at the first start; nodes sharing a database need the same file, like the seal key. */
export function loadOrCreateConfigKey(dataDir: string): ConfigKey {
  const path = join(dataDir, 'config-key.json');
  const fromSeed = (seed: Buffer): ConfigKey => {
    const privateKey = ed25519PrivateKey(seed);
    const x = Buffer.from(nacl.sign.keyPair.fromSeed(seed).publicKey);
    return { privateKey, publicKey: ed25519PublicKey(x), x: x.toString('base64url'), kid: createHash('sha256').update(x).digest('hex').slice(0, 16) };
  };
  const read = (): ConfigKey => {
    let f: { seed?: unknown };
    try {
      f = JSON.parse(readFileSync(path, 'utf8')) as typeof f;
    } catch (e) {
      throw new Error(`the config key file ${path} is damaged (${(e as Error).message}). ${CONFIG_KEY_REMEDY}`, { cause: e });
    }
    const seed = typeof f.seed === 'string' ? Buffer.from(f.seed, 'base64url') : Buffer.alloc(0);
    if (seed.length !== 32) throw new Error(`the config key file ${path} does not hold a 32-byte seed. ${CONFIG_KEY_REMEDY}`);
    return fromSeed(seed);
  };
  if (existsSync(path)) return read();
  const seed = randomBytes(32);
  return createOnce(dataDir, path, JSON.stringify({ seed: seed.toString('base64url') })) ? fromSeed(seed) : read();
}

/** A config key held in memory only (tests, and an app built without one). */
export function ephemeralConfigKey(): ConfigKey {
  const seed = randomBytes(32);
  const x = Buffer.from(nacl.sign.keyPair.fromSeed(seed).publicKey);
  return { privateKey: ed25519PrivateKey(seed), publicKey: ed25519PublicKey(x), x: x.toString('base64url'), kid: createHash('sha256').update(x).digest('hex').slice(0, 16) };
}
