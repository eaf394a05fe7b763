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

export function loadOrCreateSealKeys(dataDir: string): SealKeys {
  const path = join(dataDir, 'seal-key.json');
  const read = (): SealKeys => {
    const f = JSON.parse(readFileSync(path, 'utf8')) as { public_key: string; secret_key: string };
    return { publicKey: Buffer.from(f.public_key, 'base64url'), secretKey: Buffer.from(f.secret_key, 'base64url') };
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
