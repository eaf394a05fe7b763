// CWT claim checks of codes.md §4 (YSS1) and §7 (HCERT), and their JSON form for output.
import { CborFloat } from './cbor.ts';

/** The disclosed attributes of `yss.subject` (codes.md §4); only text values are read. */
export const SUBJECT_FIELDS = ['name', 'name_masked', 'doc_type', 'doc_no', 'birth_date', 'sex', 'nationality'] as const;
export type SubjectField = (typeof SUBJECT_FIELDS)[number];
/** The fields of `yss.credential` (codes.md §4); only text values are read. */
export const CREDENTIAL_FIELDS = ['type', 'no', 'holder', 'issuer_name', 'valid_from', 'valid_until'] as const;
export type CredentialField = (typeof CREDENTIAL_FIELDS)[number];

/** `yss.health`: its status (null when absent or not text) and when it was set (null unless a finite number, as it prints). */
export interface YssHealth {
  status: string | null;
  as_of: number | null;
}

/**
 * A YSS1 code's claims, checked (codes.md §4). Every later step reads these fields, never the
 * printed JSON; both come from the same decoded map, and a property test holds them equal.
 */
export interface YssClaims {
  family: 'YSS1';
  /** The decoded payload, for the printed form (claimsToJson) only. */
  raw: Map<unknown, unknown>;
  iss: string;
  sub: string;
  exp: number;
  nbf: number | null;
  iat: number;
  cti: Uint8Array;
  /** `yss.t`: any text here; the verifier refuses all but personal, health and credential (step 7). */
  type: string;
  /** `yss.scope`: scenarios the holder authorized; null when absent. */
  scope: readonly string[] | null;
  /** `yss.subject`; null when absent. */
  subject: Readonly<Partial<Record<SubjectField, string>>> | null;
  /** `yss.credential`; null when absent. */
  credential: Readonly<Partial<Record<CredentialField, string>>> | null;
  /** `yss.health`; null when absent. */
  health: Readonly<YssHealth> | null;
}

/** An HCERT (EU DCC) code's claims (codes.md §7). Times may be floats; `iss` is the signer's word only. */
export interface HcertClaims {
  family: 'HC1';
  /** The decoded payload, for the printed form (claimsToJson) only. */
  raw: Map<unknown, unknown>;
  iss: string | null;
  /** A text `sub` claim the signer wrote (HCERT defines none); null otherwise. */
  sub: string | null;
  exp: number;
  nbf: number | null;
  iat: number | null;
  cti: Uint8Array | null;
  type: 'hcert';
  /** The certificate kind (`v`, `t` or `r`) when exactly one is present. */
  kind: 'v' | 't' | 'r' | null;
}

/** Checked claims by code family: what the verifier hands the venue policy. */
export type Claims = YssClaims | HcertClaims;

const ISS = 1;
const SUB = 2;
const EXP = 4;
const NBF = 5;
const IAT = 6;
const CTI = 7;
const YSS = -75000;
const HCERT = -260;

const MAX_SUB_LENGTH = 64;

// Floats decode as CborFloat, so `4.0` is never an integer here (and isSafeInteger is false for
// anything but a number).
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
/** An HCERT time: an integer or a finite float (codes.md §4); null when absent, undefined when mistyped. */
function time(v: unknown): number | null | undefined {
  if (v === undefined) return null;
  const n = v instanceof CborFloat ? v.value : v;
  return Number.isFinite(n) ? (n as number) : undefined;
}

/** Length in characters (code points), as codes.md counts them, not UTF-16 units. */
function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate and the low one after it are one character (the decoder yields valid pairs
    // only; a high surrogate that ended the text would be counted once all the same).
    if (c >= 0xd800 && c <= 0xdbff) i++;
    n++;
  }
  return n;
}

const isTexts = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** The text values of `keys` in a map: a number, map or byte string under one of them is not read. */
function texts<K extends string>(m: Map<unknown, unknown>, keys: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const k of keys) {
    const v = m.get(k);
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** Checks a YSS1 payload; null means `malformed`. */
export function checkYssClaims(payload: unknown): YssClaims | null {
  if (!(payload instanceof Map)) return null;
  const iss = payload.get(ISS);
  const sub = payload.get(SUB);
  const exp = payload.get(EXP);
  const nbf = payload.get(NBF);
  const iat = payload.get(IAT);
  const cti = payload.get(CTI);
  const yss = payload.get(YSS);
  if (typeof iss !== 'string' || typeof sub !== 'string' || codePoints(sub) > MAX_SUB_LENGTH) return null;
  if (!isInt(exp) || !isInt(iat) || (nbf !== undefined && !isInt(nbf))) return null;
  if (exp < iat) return null;
  if (!(cti instanceof Uint8Array) || cti.length < 8 || cti.length > 16) return null;
  if (!(yss instanceof Map) || yss.get('v') !== 1) return null;
  const t = yss.get('t');
  if (typeof t !== 'string') return null;
  const scopeItem: unknown = yss.get('scope');
  const scope = scopeItem === undefined ? null : isTexts(scopeItem) ? scopeItem : undefined;
  if (scope === undefined) return null;
  const subject = yss.get('subject');
  const health = yss.get('health');
  const credential = yss.get('credential');
  for (const v of [subject, health, credential]) if (v !== undefined && !(v instanceof Map)) return null;
  const h = health instanceof Map ? health : null;
  const status = h?.get('status');
  return {
    family: 'YSS1',
    raw: payload,
    iss,
    sub,
    exp,
    nbf: nbf ?? null,
    iat,
    cti,
    type: t,
    scope,
    subject: subject instanceof Map ? texts(subject, SUBJECT_FIELDS) : null,
    credential: credential instanceof Map ? texts(credential, CREDENTIAL_FIELDS) : null,
    health: h && { status: typeof status === 'string' ? status : null, as_of: time(h.get('as_of')) ?? null },
  };
}

/** Checks an HCERT payload; null means `malformed`. Times may be floats here (§4). */
export function checkHcertClaims(payload: unknown): HcertClaims | null {
  if (!(payload instanceof Map)) return null;
  const iss = payload.get(ISS);
  const exp = time(payload.get(EXP));
  const nbf = time(payload.get(NBF));
  const iat = time(payload.get(IAT));
  const cti = payload.get(CTI);
  const hcert = payload.get(HCERT);
  if (iss !== undefined && typeof iss !== 'string') return null;
  if (exp === null || exp === undefined || nbf === undefined || iat === undefined) return null;
  if (cti !== undefined && !(cti instanceof Uint8Array)) return null;
  if (!(hcert instanceof Map)) return null;
  const dgc = hcert.get(1);
  if (!(dgc instanceof Map)) return null;
  const kinds = (['v', 't', 'r'] as const).filter((k) => dgc.has(k));
  const sub = payload.get(SUB);
  return {
    family: 'HC1',
    raw: payload,
    iss: iss ?? null,
    sub: typeof sub === 'string' ? sub : null,
    exp,
    nbf,
    iat,
    cti: cti ?? null,
    type: 'hcert',
    kind: kinds.length === 1 ? kinds[0]! : null,
  };
}

const CLAIM_NAMES = new Map<unknown, string>([
  [ISS, 'iss'],
  [SUB, 'sub'],
  [3, 'aud'],
  [EXP, 'exp'],
  [NBF, 'nbf'],
  [IAT, 'iat'],
  [CTI, 'cti'],
  [YSS, 'yss'],
  [HCERT, 'hcert'],
]);

/** Claims by name (codes.md §6); unknown integer claims are ignored, byte strings become base64url. */
export function claimsToJson(raw: Map<unknown, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [label, value] of raw) {
    const name = CLAIM_NAMES.get(label);
    if (name !== undefined) out[name] = toJson(value);
  }
  return out;
}

const SPARSE = '4294967294';
/** An array index as ECMAScript defines it: the text of a uint32 other than 2^32 − 1. */
const isArrayIndex = (k: string): boolean => String(Number(k) >>> 0) === k && k !== '4294967295';

function toJson(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64url');
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    const keys = [...v.keys()].map(String);
    // Integer-like keys are stored as array elements; added with gaps just under V8's limit they
    // grow one huge holey array per object (milliseconds for a few hundred keys). The largest
    // index, set and deleted first, puts the object in sparse (dictionary) elements at once.
    if (keys.length > 1 && keys.some(isArrayIndex)) {
      o[SPARSE] = null;
      delete o[SPARSE];
    }
    let i = 0;
    for (const x of v.values()) {
      const key = keys[i++]!;
      // `o["__proto__"] = x` would set the prototype: the key would vanish from the JSON while
      // its members stayed readable through it. Defined, it is a key like any other.
      if (key === '__proto__') Object.defineProperty(o, key, { value: toJson(x), enumerable: true, writable: true, configurable: true });
      else o[key] = toJson(x);
    }
    return o;
  }
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof CborFloat) return v.value;
  // No Tagged: the payload decoder unwraps tags 0 and 1 and refuses every other.
  if (typeof v === 'bigint') return v.toString();
  return v;
}
