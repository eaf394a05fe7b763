// The compiled terminal config schema, and its errors in words: each problem names its path, the
// value given and what was expected ("config.api.port: expected 0 to 65535, got 70000"). Shared
// by the config loader and by `terminal devices` / `terminal read`, which check one device entry.
import { Ajv, type ErrorObject } from 'ajv';
import { configSchema } from './schema.ts';
import type { Device, TerminalConfigFile } from './types.ts';

// useDefaults fills in every `default` while validating: the validated value is the typed one.
const ajv = new Ajv({ allErrors: true, verbose: true, discriminator: true, useDefaults: true, strictTypes: false, strictRequired: false });
ajv.addKeyword('x-default'); // a default the adapter applies itself (it may depend on other keys)
ajv.addKeyword('x-expected'); // what a pattern or constant means, in words, for the error message

export const validateConfigFile = ajv.compile<TerminalConfigFile>(configSchema);
export const validateDevice = ajv.compile<Device>({ $ref: `${configSchema.$id}#/$defs/device` });

type Schema = Record<string, unknown>;

const show = (v: unknown): string => (v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v)));
const kindsOf = (s: Schema) =>
  ((s.oneOf ?? []) as Schema[]).map((r) => {
    const def = (configSchema.$defs as Record<string, Schema>)[String(r.$ref).replace('#/$defs/', '')];
    return show(((def?.properties ?? {}) as Record<string, Schema>).kind?.const);
  });
const TYPE_WORDS: Record<string, string> = { object: 'an object', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false', null: 'null' };

function where(prefix: string, e: ErrorObject): string {
  return `${prefix}${e.instancePath.replace(/\/(\d+)/g, '[$1]').replace(/\/([^/]+)/g, '.$1')}`;
}

/** One ajv error in words, or null when another error already says it. */
function describe(prefix: string, e: ErrorObject): string | null {
  const at = where(prefix, e);
  const got = show(e.data);
  const ps = (e.parentSchema ?? {}) as Schema;
  const expected = typeof ps['x-expected'] === 'string' ? ps['x-expected'] : null;
  // A branch of an anyOf (the venue: a file name or an object) is summarised by the anyOf itself.
  if (/\/anyOf\/\d+\//.test(e.schemaPath)) return null;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const kind = (e.data as { kind?: unknown } | null)?.kind;
      return typeof kind === 'string' ? `${at}.${key}: unknown key for kind "${kind}"` : `${at}: unknown key "${key}"`;
    }
    case 'required':
      return `${at}.${String(e.params.missingProperty)}: required`;
    case 'enum':
      return `${at}: expected one of ${(e.params.allowedValues as unknown[]).map(show).join(', ')}, got ${got}`;
    case 'const':
      return `${at}: expected ${expected ?? show(e.params.allowedValue)}, got ${got}`;
    case 'pattern':
      return `${at}: expected ${expected ?? `to match ${String(e.params.pattern)}`}, got ${got}`;
    case 'type': {
      const types = ([] as string[]).concat(e.params.type as string | string[]);
      return `${at}: expected ${types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')}, got ${got}`;
    }
    case 'minimum':
    case 'maximum':
      if (typeof ps.minimum === 'number' && typeof ps.maximum === 'number') return `${at}: expected ${ps.minimum} to ${ps.maximum}, got ${got}`;
      return `${at}: expected ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${String(e.params.limit)}, got ${got}`;
    case 'anyOf':
      return `${at}: expected ${expected ?? 'one of the allowed forms'}, got ${got}`;
    case 'discriminator': {
      const tag = String(e.params.tag);
      if (e.data === null || typeof e.data !== 'object') return null; // the type error says it
      if (e.params.error === 'mapping') return `${at}.${tag}: expected one of ${kindsOf(ps).join(', ')}, got ${show(e.params.tagValue)}`;
      return `${at}.${tag}: expected one of ${kindsOf(ps).join(', ')}, got ${show((e.data as Record<string, unknown>)[tag])}`;
    }
    default:
      return `${at}: ${e.message ?? e.keyword}`;
  }
}

/** The errors of the last validation, in words under `prefix`, each once. */
export function describeErrors(errors: ErrorObject[] | null | undefined, prefix: string): string[] {
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    const p = describe(prefix, e);
    if (p) seen.add(p);
  }
  return [...seen];
}
