// The upload body's validator: a hand check of the one shape terminals send, in front of ajv.
// The hand check only ever says "this body is valid" or "ask ajv": whatever it is unsure of (a
// string whose length ajv counts in code points, a short ciphertext, anything missing or extra)
// goes to ajv, which decides and words the refusal exactly as for every other route. So no
// check is dropped and no message changes; a batch of well-formed events skips ajv's generic
// code (a third of the per-event validation cost, the 64-hex patterns most of it).
import { Ajv, type ValidateFunction } from 'ajv';
import { MAX_EVENT_TIME, uploadBody } from './schemas.ts';

/** The ajv options of the service's fastify instance (app.ts passes the same to fastify). */
export const AJV_OPTIONS = { allErrors: false, removeAdditional: false, coerceTypes: false } as const;
/** What @fastify/ajv-compiler adds beneath AJV_OPTIONS, so that ajv here words errors as fastify's does. */
const FASTIFY_AJV_DEFAULTS = { useDefaults: true, addUsedSchema: false } as const;

/** The event's required keys: every one is checked below, and `tombstone` is the one optional key. */
const REQUIRED_KEYS = uploadBody.properties.events.items.required.length;
const MAX_EVENTS = uploadBody.properties.events.maxItems;
const MIN_EVENTS = uploadBody.properties.events.minItems;

/**
 * A plain object as JSON.parse makes it. Its own keys are then counted, not enumerated one by
 * one: with every required key checked present, a count that matches leaves no room for another.
 */
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/** 64 lower-case hex digits (the schema's `^[0-9a-f]{64}$`). */
function isHex64(v: unknown): boolean {
  if (typeof v !== 'string' || v.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/** base64url of exactly `n` characters (the schema's `^[A-Za-z0-9_-]*$` with its lengths). */
function isB64url(v: unknown, n: number): boolean {
  if (typeof v !== 'string' || v.length !== n) return false;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f)) return false;
  }
  return true;
}

const isTime = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_EVENT_TIME;

function isSealed(v: unknown): boolean {
  if (v === null) return true;
  // ajv counts minLength in code points: 32 UTF-16 units are at least 16 of them, so a shorter
  // ciphertext is left to ajv.
  return (
    isObject(v) && Object.keys(v).length === 3 &&
    isB64url(v.epk, 43) && isB64url(v.n, 32) && typeof v.c === 'string' && v.c.length >= 32 && v.c.length <= 1_000_000
  );
}

function isEvent(e: unknown): boolean {
  if (!isObject(e)) return false;
  const keys = Object.keys(e).length;
  if (keys !== REQUIRED_KEYS && !(keys === REQUIRED_KEYS + 1 && isHex64(e.tombstone))) return false;
  return (
    Number.isSafeInteger(e.seq) && (e.seq as number) >= 1 &&
    // Lengths in UTF-16 units: within the limits, the count in code points is too.
    typeof e.type === 'string' && e.type.length >= 1 && e.type.length <= 64 &&
    isTime(e.at) && isTime(e.trusted_at) &&
    typeof e.scenario === 'string' && e.scenario.length <= 64 &&
    typeof e.droppable === 'boolean' &&
    isObject(e.body) &&
    isSealed(e.sealed) &&
    isHex64(e.prev_hash) && isHex64(e.hash)
  );
}

/** True only for a body `uploadBody` accepts; false means "not sure", never "invalid". */
export function isPlainUpload(body: unknown): boolean {
  if (!isObject(body) || Object.keys(body).length !== 1) return false;
  const events = body.events;
  if (!Array.isArray(events) || events.length < MIN_EVENTS || events.length > MAX_EVENTS) return false;
  for (const e of events) if (!isEvent(e)) return false;
  return true;
}

/** ajv with the options the service's fastify instance compiles its schemas with. */
export function serviceAjv(): Ajv {
  return new Ajv({ ...FASTIFY_AJV_DEFAULTS, ...AJV_OPTIONS });
}

/**
 * The `/v1/events` route's body validator for fastify (`validatorCompiler`): the hand check, then
 * ajv for anything it does not vouch for. `errors` is ajv's, which fastify reads on a refusal.
 */
export function uploadValidatorCompiler(ajv = serviceAjv()): (route: { schema: object; httpPart?: string }) => ValidateFunction {
  return ({ schema, httpPart }) => {
    const slow = ajv.compile(schema);
    const hot = httpPart === 'body';
    const check = ((data: unknown) => {
      if (hot && isPlainUpload(data)) {
        check.errors = null;
        return true;
      }
      const ok = slow(data);
      check.errors = slow.errors;
      return ok;
    }) as ValidateFunction;
    return check;
  };
}
