// The service's X25519 key pair: terminals seal personal data to its public half; only the
// service opens it. Kept in the data folder, readable by the service's user only. Several nodes
// sharing one PostgreSQL must seal to one key: give them the same file (docs/scale.md); nodes
// started at once on an empty shared folder agree on the first one written.
import nacl from 'tweetnacl';
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
  mkdirSync(dataDir, { recursive: true });
  const pair = nacl.box.keyPair();
  const json = JSON.stringify({ public_key: Buffer.from(pair.publicKey).toString('base64url'), secret_key: Buffer.from(pair.secretKey).toString('base64url') });
  // Written whole under a private name, then linked in place: link() fails if another process
  // got there first, and a reader never sees half a file.
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, json, { mode: 0o600 });
  try {
    linkSync(tmp, path);
    return pair;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return read();
  } finally {
    rmSync(tmp, { force: true });
  }
}
