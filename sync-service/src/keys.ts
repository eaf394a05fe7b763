// The service's X25519 key pair: terminals seal personal data to its public half; only the
// service opens it. Kept in the data folder, readable by the service's user only.
import nacl from 'tweetnacl';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SealKeys {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export function loadOrCreateSealKeys(dataDir: string): SealKeys {
  const path = join(dataDir, 'seal-key.json');
  if (existsSync(path)) {
    const f = JSON.parse(readFileSync(path, 'utf8')) as { public_key: string; secret_key: string };
    return { publicKey: Buffer.from(f.public_key, 'base64url'), secretKey: Buffer.from(f.secret_key, 'base64url') };
  }
  const pair = nacl.box.keyPair();
  writeFileSync(
    path,
    JSON.stringify({ public_key: Buffer.from(pair.publicKey).toString('base64url'), secret_key: Buffer.from(pair.secretKey).toString('base64url') }),
    { mode: 0o600 },
  );
  return pair;
}
