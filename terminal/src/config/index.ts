// Loads, validates and freezes the terminal configuration: one JSON Schema (schema.ts) whose
// validator is also the type guard, defaults filled in as it validates, then the cross-checks a
// schema cannot say. A bad config stops the daemon with every problem listed, never a stack trace.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { deviceRuleProblems } from '../devices/index.ts';
import { loadVenue, parseVenue, VenueError, type Venue } from '../venue/index.ts';
import { parsePinHash } from '../protocol/index.ts';
import { DEFAULTS } from './schema.ts';
import type { Device, TerminalConfigFile } from './types.ts';
import { describeErrors, validateConfigFile, validateDevice } from './validator.ts';

export { DEFAULTS };
export type { Device as DeviceEntry, TerminalConfigFile } from './types.ts';
/** Each schema type by name (the device kinds' entry types are used by devices/config.ts). */
export type * as DeviceEntries from './types.ts';
export { configSchema, DEVICE_KINDS } from './schema.ts';

/** The configuration as the daemon uses it: the file with its defaults, paths resolved, the venue loaded. */
export type TerminalConfig = Omit<TerminalConfigFile, 'venue'> & {
  /** The venue's policy (docs/config.md), from the file `venue` names or inline. */
  readonly venue: Readonly<Venue>;
};

/** Why a configuration was refused; docs/terminal-errors.md documents each (a test checks). */
export const CONFIG_ERRORS = {
  YSS_CONFIG_UNREADABLE: { message: 'cannot read the file: %s' },
  YSS_CONFIG_NOT_JSON: { message: 'not valid JSON: %s; fix it, or put back the copy it was installed from' },
  YSS_CONFIG_INVALID: { message: 'the configuration does not match the schema or its cross-checks' },
} as const;

export type ConfigErrorCode = keyof typeof CONFIG_ERRORS;

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
    readonly code: ConfigErrorCode = 'YSS_CONFIG_INVALID',
  ) {
    super(`invalid configuration ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates a parsed config object; `baseDir` resolves relative paths. Throws ConfigError. */
export function parseConfig(value: unknown, baseDir: string, file = '<inline>'): Readonly<TerminalConfig> {
  // A copy: filling in the defaults must not touch the caller's object.
  const raw: unknown = structuredClone(value);
  const problems = validateConfigFile(raw) ? [] : describeErrors(validateConfigFile.errors, 'config');
  const devices = isObject(raw) && Array.isArray(raw.devices) ? (raw.devices as unknown[]) : [];
  devices.forEach((d, i) => {
    if (isObject(d)) problems.push(...deviceRuleProblems(d, `config.devices[${i}]`));
  });
  const ids = devices.map((d) => (isObject(d) ? d.id : undefined));
  ids.forEach((id, i) => {
    if (typeof id === 'string' && ids.indexOf(id) !== i) problems.push(`config.devices[${i}].id: "${id}" is also the id of config.devices[${ids.indexOf(id)}]`);
  });
  const pinHash = isObject(raw) && isObject(raw.api) ? raw.api.staff_pin_hash : undefined;
  if (typeof pinHash === 'string' && validateConfigFile(raw)) {
    const h = parsePinHash(pinHash);
    if (typeof h === 'string') problems.push(`config.api.staff_pin_hash: ${h}`);
  }
  const venue = venueOf(isObject(raw) ? raw.venue : undefined, baseDir, problems);
  venue?.actions.forEach((a, i) => {
    if (a.do === 'open-gate' && !devices.some((d) => isObject(d) && d.id === a.relay && d.role === 'relay')) {
      problems.push(`config.venue.actions[${i}].relay: "${a.relay}" is not the id of a device with role "relay" in config.devices`);
    }
    if (a.do === 'open-gate' && a.pass_sensor !== undefined && !devices.some((d) => isObject(d) && d.id === a.pass_sensor && d.role === 'sensor')) {
      problems.push(`config.venue.actions[${i}].pass_sensor: "${a.pass_sensor}" is not the id of a device with role "sensor" in config.devices`);
    }
  });
  // The guard runs again on the filled-in copy (a no-op check) so that `raw` is typed by it.
  if (problems.length || !venue || !validateConfigFile(raw)) throw new ConfigError(file, problems.length ? problems : ['config.venue: required']);
  const config: TerminalConfig = {
    ...raw,
    data_dir: resolve(baseDir, raw.data_dir),
    trust: { ...raw.trust, file: raw.trust.file === null ? null : resolve(baseDir, raw.trust.file) },
    venue,
  };
  return deepFreeze(config);
}

/** One `devices[]` entry checked on its own (`terminal devices`, `terminal read`): its kind's schema, then the rules between its keys. */
export function checkDevice(value: unknown, where: string): { device: Device; problems: string[] } | { device: null; problems: string[] } {
  if (!isObject(value)) return { device: null, problems: [`${where}: expected an object, got ${JSON.stringify(value) ?? String(value)}`] };
  const entry: unknown = structuredClone(value);
  const problems = validateDevice(entry) ? [] : describeErrors(validateDevice.errors, where);
  problems.push(...deviceRuleProblems(value, where));
  if (problems.length || !validateDevice(entry)) return { device: null, problems };
  return { device: entry, problems: [] };
}

/** Every problem with one `devices[]` entry; [] when it is valid. */
export function validateDeviceConfig(value: unknown, where: string): string[] {
  return checkDevice(value, where).problems;
}

/** The venue a config names: a file path (relative to the config) or an inline object. */
function venueOf(value: unknown, baseDir: string, problems: string[]): Readonly<Venue> | null {
  try {
    if (typeof value === 'string' && value) return loadVenue(resolve(baseDir, value));
    if (isObject(value)) return parseVenue(value, '<inline>', 'config.venue');
  } catch (e) {
    if (!(e instanceof VenueError)) throw e;
    problems.push(...(typeof value === 'string' ? e.problems.map((p) => `config.venue (${e.file}): ${p}`) : e.problems));
  }
  return null;
}

export function loadConfig(file: string): Readonly<TerminalConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [CONFIG_ERRORS.YSS_CONFIG_UNREADABLE.message.replace('%s', (e as Error).message)], 'YSS_CONFIG_UNREADABLE');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(file, [CONFIG_ERRORS.YSS_CONFIG_NOT_JSON.message.replace('%s', (e as Error).message)], 'YSS_CONFIG_NOT_JSON');
  }
  return parseConfig(value, dirname(resolve(file)), file);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
