// The terminal's own Ed25519 key and the id the service gave it at enrollment. The seed is kept
// in the data folder, readable by the daemon's user only.
import nacl from 'tweetnacl';
import { existsSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { ed25519PrivateKey } from '../protocol/index.ts';

export interface Identity {
  /** Raw public key, base64url. */
  publicKey: string;
  privateKey: KeyObject;
  /** Set once enrolled. */
  terminalId: string | null;
}

interface IdentityFile {
  seed: string;
  public_key: string;
  terminal_id: string | null;
}

const FILE = 'identity.json';

function writeDurably(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
}

export function loadOrCreateIdentity(dataDir: string): Identity {
  const path = join(dataDir, FILE);
  let file: IdentityFile;
  if (existsSync(path)) {
    file = JSON.parse(readFileSync(path, 'utf8')) as IdentityFile;
  } else {
    const seed = nacl.randomBytes(32);
    const pair = nacl.sign.keyPair.fromSeed(seed);
    file = { seed: Buffer.from(seed).toString('base64url'), public_key: Buffer.from(pair.publicKey).toString('base64url'), terminal_id: null };
    writeDurably(path, JSON.stringify(file, null, 2));
  }
  return { publicKey: file.public_key, privateKey: ed25519PrivateKey(Buffer.from(file.seed, 'base64url')), terminalId: file.terminal_id };
}

export function saveTerminalId(dataDir: string, terminalId: string): void {
  const path = join(dataDir, FILE);
  const file = JSON.parse(readFileSync(path, 'utf8')) as IdentityFile;
  file.terminal_id = terminalId;
  writeDurably(path, JSON.stringify(file, null, 2));
}
