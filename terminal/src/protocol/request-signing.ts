// Terminal → service requests are signed with the terminal's Ed25519 key over the method, the
// request target (path AND query string, exactly as sent), time, a nonce and the body's hash. The
// service refuses stale times, short or replayed nonces. Requests without a query sign the same
// bytes as before the query was covered, so no protocol version changed.
import { createHash, createPrivateKey, createPublicKey, sign, verify, randomBytes, type KeyObject } from 'node:crypto';

export const HEADER_TERMINAL = 'x-yss-terminal';
export const HEADER_TIME = 'x-yss-time';
export const HEADER_NONCE = 'x-yss-nonce';
export const HEADER_SIGNATURE = 'x-yss-signature';

/** A nonce is 16 random bytes in base64url (22 characters); the service refuses shorter ones. */
export const NONCE_BYTES = 16;

/** How far a request's time may be from the service's clock, in milliseconds. */
export const MAX_REQUEST_AGE_MS = 5 * 60_000;

export function bodyHash(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('base64url');
}

/** `target` is the request target as sent on the request line: the path and any `?query`. */
export function signingInput(method: string, target: string, time: number, nonce: string, hash: string): Buffer {
  return Buffer.from(`yss-req-v1\n${method.toUpperCase()}\n${target}\n${time}\n${nonce}\n${hash}`);
}

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A node:crypto key from a raw 32-byte Ed25519 seed. */
export function ed25519PrivateKey(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new Error(`Ed25519 seed must be 32 bytes, got ${seed.length}`);
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** A node:crypto key from a raw 32-byte Ed25519 public key. */
export function ed25519PublicKey(x: Uint8Array): KeyObject {
  if (x.length !== 32) throw new Error(`Ed25519 public key must be 32 bytes, got ${x.length}`);
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, x]), format: 'der', type: 'spki' });
}

export function signRequest(
  key: KeyObject,
  terminalId: string,
  method: string,
  target: string,
  body: string | Buffer,
  time: number,
): Record<string, string> {
  return signRequestHashed(key, terminalId, method, target, bodyHash(body), time);
}

/** signRequest for a body whose bodyHash() was taken ahead (a batch built while another was in flight). */
export function signRequestHashed(key: KeyObject, terminalId: string, method: string, target: string, hash: string, time: number): Record<string, string> {
  const nonce = randomBytes(NONCE_BYTES).toString('base64url');
  const sig = sign(null, signingInput(method, target, time, nonce, hash), key).toString('base64url');
  return { [HEADER_TERMINAL]: terminalId, [HEADER_TIME]: String(time), [HEADER_NONCE]: nonce, [HEADER_SIGNATURE]: sig };
}

export function verifyRequestSignature(
  key: KeyObject,
  method: string,
  target: string,
  body: string | Buffer,
  time: number,
  nonce: string,
  signature: string,
): boolean {
  const sig = Buffer.from(signature, 'base64url');
  if (sig.length !== 64) return false;
  return verify(null, signingInput(method, target, time, nonce, bodyHash(body)), key, sig);
}
