// Loads a venue file: JSON, checked against the venue schema with every problem listed at once
// with its path, a few checks a schema cannot say, then frozen. The result is typed by the
// validator's own guard: no cast after validation.
import { Ajv, type ErrorObject } from 'ajv';
import { readFileSync } from 'node:fs';
import { categoryProblems } from './categories.ts';
import { venueSchema } from './schema.ts';
import type { Venue } from './types.ts';

export class VenueError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`invalid venue ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const ajv = new Ajv({ allErrors: true, discriminator: true, strictTypes: false, strictRequired: false });
const validate = ajv.compile<Venue>(venueSchema);

function where(prefix: string, e: ErrorObject): string {
  return `${prefix}${e.instancePath.replace(/\/(\d+)/g, '[$1]').replace(/\/([^/]+)/g, '.$1')}`;
}

function describe(prefix: string, e: ErrorObject): string | null {
  const at = where(prefix, e);
  // The gate rule's `contains` reports each action that is not an open-gate: noise beside its summary.
  if (e.schemaPath.startsWith('#/allOf/') && e.keyword === 'const') return null;
  switch (e.keyword) {
    case 'additionalProperties':
      return `${at}: unknown key "${String(e.params.additionalProperty)}"`;
    case 'enum':
      if (e.propertyName !== undefined) return `${at}: "${e.propertyName}" is not a reason; must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`;
      return `${at}: must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`;
    case 'contains':
      if (e.schemaPath.startsWith('#/allOf/1/')) return `${at}: a venue with a "stay" section needs a "collect-details" action asking the "room"`;
      return at.endsWith('.actions') ? `${at}: a gate must have an "open-gate" action naming its relay` : `${at}: ${e.message}`;
    case 'not':
      return at.endsWith('.actions') ? `${at}: only a venue of kind "gate" may have an "open-gate" action` : `${at}: ${e.message}`;
    case 'required':
      if (e.params.missingProperty === 'health' && e.instancePath === '') return `${at}: a venue that takes health codes needs a "health" section`;
      return `${at}: must have required property '${String(e.params.missingProperty)}'`;
    case 'propertyNames':
      return null; // reported by the enum error on the name itself
    case 'if':
      return null; // the failing then/else branch has its own error
    default:
      return `${at}: ${e.message}`;
  }
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/** Every problem with `value` as a venue, each starting with its path under `prefix`; [] when valid. */
export function venueProblems(value: unknown, prefix = 'venue'): string[] {
  if (!validate(value)) {
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      const p = describe(prefix, e);
      if (p) seen.add(p);
    }
    return [...seen];
  }
  const problems: string[] = [];
  value.hours?.forEach((w, i) => {
    if (minutes(w.to) <= minutes(w.from)) problems.push(`${prefix}.hours[${i}]: "to" (${w.to}) must be after "from" (${w.from})`);
  });
  if (value.replay.per === 'code' && value.replay.within_s !== undefined) {
    problems.push(`${prefix}.replay.within_s: only applies with "per": "person" (per code, a code is remembered as long as it could be valid)`);
  }
  const fromCodes = (value.inputs.codes ?? []).map((c) => c.type);
  if (value.scope && !fromCodes.includes('personal')) problems.push(`${prefix}.scope: only personal codes carry a scope, and the venue takes none`);
  problems.push(...categoryProblems(value, prefix));
  return problems;
}

/** Validates and freezes a parsed venue; throws VenueError listing every problem. */
export function parseVenue(value: unknown, file = '<inline>', prefix = 'venue'): Readonly<Venue> {
  const problems = venueProblems(value, prefix);
  if (problems.length || !validate(value)) throw new VenueError(file, problems);
  return deepFreeze(structuredClone(value));
}

export function loadVenue(file: string): Readonly<Venue> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new VenueError(file, [`cannot read the file: ${(e as Error).message}`]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new VenueError(file, [`not valid JSON: ${(e as Error).message}`]);
  }
  return parseVenue(value, file);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
