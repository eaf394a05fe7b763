// Loads, validates and freezes the terminal configuration. A bad config stops the daemon with
// every problem listed, never a stack trace.
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { validateDeviceConfig, type DeviceConfig } from '../devices/index.ts';
import { loadVenue, parseVenue, VenueError, type Venue } from '../venue/index.ts';
import { configSchema, DEFAULTS } from './schema.ts';

export { DEFAULTS };

export interface TerminalConfig {
  data_dir: string;
  name: string;
  log_level: string;
  skew_s: number;
  api: { host: string; port: number; staff_pin: string };
  trust: { roots: string[]; file: string | null };
  sync: (typeof DEFAULTS.sync & { url: string; enrollment_code: string | null; seal_key: string }) | null;
  queue: { max_bytes: number; retention_s: number; droppable_types: readonly string[] };
  /** The venue's policy (docs/config.md), from the file `venue` names or inline. */
  venue: Readonly<Venue>;
  devices: DeviceConfig[];
}

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

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(configSchema);

function schemaProblems(value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => {
    const at = `config${e.instancePath.replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.')}`;
    if (e.keyword === 'additionalProperties') return `${at}: unknown key "${String(e.params.additionalProperty)}"`;
    if (e.keyword === 'enum') return `${at}: ${e.message} (${(e.params.allowedValues as unknown[]).join(', ')})`;
    return `${at}: ${e.message}`;
  });
}

/** Validates a parsed config object; `baseDir` resolves relative paths. Throws ConfigError. */
export function parseConfig(value: unknown, baseDir: string, file = '<inline>'): Readonly<TerminalConfig> {
  const problems = schemaProblems(value);
  const loose = (value ?? {}) as { devices?: unknown; venue?: unknown };
  if (Array.isArray(loose.devices)) {
    loose.devices.forEach((d: unknown, i: number) => {
      if (d && typeof d === 'object') problems.push(...validateDeviceConfig(d, `config.devices[${i}]`));
    });
  }
  const venue = venueOf(loose.venue, baseDir, problems);
  if (venue) {
    const devices = Array.isArray(loose.devices) ? (loose.devices as { id?: unknown; role?: unknown }[]) : [];
    venue.actions.forEach((a, i) => {
      if (a.do === 'open-gate' && !devices.some((d) => d?.id === a.relay && d?.role === 'relay')) {
        problems.push(`config.venue.actions[${i}].relay: "${a.relay}" is not the id of a device with role "relay" in config.devices`);
      }
    });
  }
  if (problems.length) throw new ConfigError(file, problems);
  // The schema has checked the shape; this type is what it allows.
  const raw = value as {
    data_dir: string;
    name?: string;
    log_level?: string;
    skew_s?: number;
    api?: Partial<TerminalConfig['api']>;
    trust: { roots: string[]; file?: string };
    sync?: Partial<NonNullable<TerminalConfig['sync']>> & { url: string; seal_key: string };
    queue?: Partial<TerminalConfig['queue']>;
    devices?: DeviceConfig[];
  };
  const config: TerminalConfig = {
    data_dir: resolve(baseDir, raw.data_dir),
    name: raw.name ?? 'terminal',
    log_level: raw.log_level ?? DEFAULTS.log_level,
    skew_s: raw.skew_s ?? DEFAULTS.skew_s,
    api: { ...DEFAULTS.api, ...raw.api },
    trust: { roots: raw.trust.roots, file: raw.trust.file ? resolve(baseDir, raw.trust.file) : null },
    sync: raw.sync ? { ...DEFAULTS.sync, enrollment_code: null, ...raw.sync } : null,
    queue: { ...DEFAULTS.queue, ...raw.queue },
    venue: venue!,
    devices: raw.devices ?? [],
  };
  return deepFreeze(config);
}

/** The venue a config names: a file path (relative to the config) or an inline object. */
function venueOf(value: unknown, baseDir: string, problems: string[]): Readonly<Venue> | null {
  try {
    if (typeof value === 'string') return loadVenue(resolve(baseDir, value));
    if (value && typeof value === 'object') return parseVenue(value, '<inline>', 'config.venue');
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
