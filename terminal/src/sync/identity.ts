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
  /**
   * The service's config-signing key (raw Ed25519, base64url), pinned from the enrollment reply:
   * config pushes are believed only under it (docs/config-push.md). Null for a terminal enrolled
   * before config pushes, which then refuses every push.
   */
  configKey: string | null;
}

interface IdentityFile {
  seed: string;
  public_key: string;
  terminal_id: string | null;
  /** The service's config-signing key, pinned at enrollment. */
  config_key?: string | null;
  /**
   * The last event of this terminal's chain known to be uploaded (data-guard.ts): a database that
   * no longer reaches it was emptied or replaced, and must not start a new chain under this id.
   */
  uploaded?: UploadedMark;
}

export interface UploadedMark {
  seq: number;
  hash: string;
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

/** The identity file, or an error naming it and the way out when it is damaged. */
function readIdentity(path: string): IdentityFile {
  let file: Partial<IdentityFile> | null;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as Partial<IdentityFile> | null;
  } catch (e) {
    throw new Error(`${damaged(path)} (${(e as Error).message})`, { cause: e });
  }
  if (!file || typeof file.seed !== 'string' || typeof file.public_key !== 'string') throw new Error(`${damaged(path)} (no seed or public_key)`);
  return file as IdentityFile;
}

function damaged(path: string): string {
  return (
    `identity file ${path} is damaged: it holds this terminal's signing key, which cannot be rebuilt. ` +
    'Restore it from a backup of the data folder, or start a new chain with `terminal reset --config <file> --enrollment-code <code>` ' +
    '(a new code from the operator; see docs/security.md, "Recovering a terminal")'
  );
}

export function loadOrCreateIdentity(dataDir: string): Identity {
  const path = join(dataDir, FILE);
  let file: IdentityFile;
  if (existsSync(path)) {
    file = readIdentity(path);
  } else {
    const seed = nacl.randomBytes(32);
    const pair = nacl.sign.keyPair.fromSeed(seed);
    file = { seed: Buffer.from(seed).toString('base64url'), public_key: Buffer.from(pair.publicKey).toString('base64url'), terminal_id: null };
    writeDurably(path, JSON.stringify(file, null, 2));
  }
  return {
    publicKey: file.public_key,
    privateKey: ed25519PrivateKey(Buffer.from(file.seed, 'base64url')),
    terminalId: file.terminal_id,
    configKey: typeof file.config_key === 'string' ? file.config_key : null,
  };
}

export function saveTerminalId(dataDir: string, terminalId: string, configKey: string | null = null): void {
  const path = join(dataDir, FILE);
  const file = readIdentity(path);
  file.terminal_id = terminalId;
  if (configKey) file.config_key = configKey;
  writeDurably(path, JSON.stringify(file, null, 2));
}

/** The uploaded mark in the identity file, or null before the first upload. */
export function readUploadedMark(dataDir: string): UploadedMark | null {
  const path = join(dataDir, FILE);
  if (!existsSync(path)) return null;
  const u = readIdentity(path).uploaded;
  return u && Number.isSafeInteger(u.seq) && typeof u.hash === 'string' ? u : null;
}

export function saveUploadedMark(dataDir: string, mark: UploadedMark): void {
  const path = join(dataDir, FILE);
  const file = readIdentity(path);
  file.uploaded = mark;
  writeDurably(path, JSON.stringify(file, null, 2));
}
