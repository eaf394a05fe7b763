// A config push (docs/config-push.md): the service signs a change of one terminal's venue, staff
// PIN or trust-list age bound as a compact JWS with its config-signing key, whose public half the
// terminal pinned when it enrolled. Both sides import this: the service to sign, the terminal to
// open. The payload names the terminal and a version counted per terminal, so a document cannot
// be replayed to another terminal, nor an older one served again.
import { createHash, sign, verify, type KeyObject } from 'node:crypto';

export const CONFIG_PUSH_FORMAT = 'yss-config/1';
export const CONFIG_PUSH_TYP = 'yss-config+jws';
/** The largest pushed document either side handles, bytes of JWS text. */
export const CONFIG_PUSH_MAX_BYTES = 64 * 1024;

/** What a push may change; a key left out keeps what the terminal's own config file says. */
export interface PushedConfig {
  /** A whole venue object, checked by the terminal against its venue schema. */
  venue?: Record<string, unknown>;
  /** The staff PIN (4 to 12 digits, or empty for no staff sign-in). Services since the PIN hash send `staff_pin_hash` instead, and `staff_pin` only empty. */
  staff_pin?: string;
  /** The staff PIN as an scrypt hash (pin-hash.ts); replaces the terminal's own `staff_pin` and `staff_pin_hash`. */
  staff_pin_hash?: string;
  /** Overrides the venue's `trust_max_age_s`, seconds. */
  trust_max_age_s?: number;
}

/** The keys a pushed config may hold. */
export const PUSHED_KEYS = ['venue', 'staff_pin', 'staff_pin_hash', 'trust_max_age_s'] as const;

export interface ConfigPushPayload {
  format: typeof CONFIG_PUSH_FORMAT;
  terminal_id: string;
  version: number;
  /** When the service signed it, unix ms. */
  issued_at: number;
  config: PushedConfig;
}

/**
 * The ETag of a pushed document: its version and a digest of its bytes, so a different document
 * under a version the terminal holds (a service restored from a backup, then pushed again) is
 * still fetched. Both sides compute it from the document.
 */
export function configPushEtag(version: number, jws: string): string {
  return `"c-${version}-${createHash('sha256').update(jws).digest('hex').slice(0, 16)}"`;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const CANONICAL_B64URL = /^[A-Za-z0-9_-]*$/;

export function signConfigPush(payload: ConfigPushPayload, key: KeyObject, kid: string): string {
  const input = `${b64(JSON.stringify({ alg: 'EdDSA', typ: CONFIG_PUSH_TYP, kid }))}.${b64(JSON.stringify(payload))}`;
  return `${input}.${sign(null, Buffer.from(input, 'latin1'), key).toString('base64url')}`;
}

export type OpenedConfigPush = { ok: true; payload: ConfigPushPayload } | { ok: false; reason: 'malformed' | 'bad_signature'; message: string };

/**
 * Verifies a pushed document with the pinned key and checks its payload's shape. What the
 * payload's venue means is the terminal's venue schema's business, not this envelope's.
 */
export function openConfigPush(jws: string, key: KeyObject): OpenedConfigPush {
  const malformed = (message: string): OpenedConfigPush => ({ ok: false, reason: 'malformed', message });
  if (jws.length > CONFIG_PUSH_MAX_BYTES) return malformed(`the document is ${jws.length} bytes, more than ${CONFIG_PUSH_MAX_BYTES}`);
  const parts = jws.split('.');
  if (parts.length !== 3 || !parts.every((p) => CANONICAL_B64URL.test(p))) return malformed('not a compact JWS (three base64url parts)');
  const [h, p, s] = parts as [string, string, string];
  const header = parseObject(Buffer.from(h, 'base64url').toString('utf8'));
  if (!header || header.alg !== 'EdDSA' || header.typ !== CONFIG_PUSH_TYP) return malformed(`the header is not {"alg":"EdDSA","typ":"${CONFIG_PUSH_TYP}"}`);
  const sig = Buffer.from(s, 'base64url');
  if (sig.length !== 64 || !verify(null, Buffer.from(`${h}.${p}`, 'latin1'), key, sig)) {
    return { ok: false, reason: 'bad_signature', message: 'the signature does not verify with the config key this terminal pinned at enrollment' };
  }
  const payload = parseObject(Buffer.from(p, 'base64url').toString('utf8'));
  if (!payload || payload.format !== CONFIG_PUSH_FORMAT) return malformed(`the payload's format is not "${CONFIG_PUSH_FORMAT}"`);
  if (typeof payload.terminal_id !== 'string') return malformed('the payload names no terminal');
  if (!Number.isSafeInteger(payload.version) || (payload.version as number) < 1) return malformed('the payload\'s version is not a positive integer');
  if (!Number.isSafeInteger(payload.issued_at)) return malformed('the payload\'s issued_at is not an integer');
  const config = payload.config;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return malformed('the payload\'s config is not an object');
  const unknown = Object.keys(config).filter((k) => !(PUSHED_KEYS as readonly string[]).includes(k));
  if (unknown.length) return malformed(`the payload's config has keys this terminal does not know: ${unknown.join(', ')}`);
  return { ok: true, payload: payload as unknown as ConfigPushPayload };
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
