// The staff PIN as a salted slow hash (docs/config-push.md "The PIN"): the service hashes the
// digits an operator sends once and stores and signs only the hash; the terminal checks a typed
// PIN against it. scrypt from node:crypto, its parameters inside the string so they can be raised
// later without a format change:
//
//   $scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt, base64url>$<32-byte key, base64url>
//
// A 4-to-12-digit PIN has few values, so no hash makes a stolen one safe for long: the cost only
// slows an offline search, while guesses at the kiosk meet its own limiter. N=2^15 r=8 (32 MiB):
// OWASP's N=2^17 took 2.3 s a hash on this project's loaded 2-core machine, too long for a staff
// member at a kiosk; 2^15 is a quarter of that, and a service may raise it (the terminal reads the
// parameters from the string).
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** The parameters the service hashes with: N = 2^ln, 32 MiB of memory. */
export const PIN_HASH_DEFAULTS = { ln: 15, r: 8, p: 1 } as const;
/** What a terminal accepts, so a hash cannot ask it for more memory or time than it can give (2^20 × 8 × 128 B = 1 GiB). */
const LIMITS = { ln: [10, 20], r: [1, 16], p: [1, 4] } as const;
const KEY_BYTES = 32;

/** The pattern of the string, for the config schema (the parameters' bounds are checked by parsePinHash). */
export const PIN_HASH_PATTERN = '^\\$scrypt\\$ln=[0-9]{1,2},r=[0-9]{1,2},p=[0-9]\\$[A-Za-z0-9_-]{16,64}\\$[A-Za-z0-9_-]{43}$';

export interface PinHash {
  ln: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

/** The parts of a hash string, or a sentence saying what is wrong with it. */
export function parsePinHash(s: string): PinHash | string {
  const m = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d)\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{43})$/.exec(s);
  if (!m) return 'not "$scrypt$ln=<n>,r=<n>,p=<n>$<salt>$<key>" (base64url salt of 12 to 48 bytes, 32-byte key)';
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  for (const [name, v] of [['ln', ln], ['r', r], ['p', p]] as const) {
    const [lo, hi] = LIMITS[name];
    if (v < lo || v > hi) return `${name}=${v} is outside ${lo} to ${hi}`;
  }
  return { ln, r, p, salt: Buffer.from(m[4]!, 'base64url'), key: Buffer.from(m[5]!, 'base64url') };
}

function derive(pin: string, h: Omit<PinHash, 'key'>): Promise<Buffer> {
  const N = 2 ** h.ln;
  return new Promise((resolve, reject) =>
    scrypt(pin, h.salt, KEY_BYTES, { N, r: h.r, p: h.p, maxmem: 256 * N * h.r * h.p }, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

/** Hashes PIN digits with a fresh salt. */
export async function hashPin(pin: string, params: { ln: number; r: number; p: number } = PIN_HASH_DEFAULTS): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(pin, { ...params, salt });
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** True when `pin` is the one hashed; compares in constant time. False for a hash that does not parse. */
export async function pinMatchesHash(pin: string, hash: string): Promise<boolean> {
  const h = parsePinHash(hash);
  if (typeof h === 'string') return false;
  return timingSafeEqual(await derive(pin, h), h.key);
}
