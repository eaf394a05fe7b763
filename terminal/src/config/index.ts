// Loads, validates and freezes the terminal configuration. A bad config stops the daemon with
// every problem listed, never a stack trace.
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { validateDeviceConfig, type DeviceConfig } from '../devices/index.ts';
import { validateScenarioConfig, type ScenarioConfig } from '../scenarios/index.ts';
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
  scenario: ScenarioConfig;
  devices: DeviceConfig[];
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
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
  const loose = (value ?? {}) as { devices?: unknown; scenario?: unknown };
  if (Array.isArray(loose.devices)) {
    loose.devices.forEach((d: unknown, i: number) => {
      if (d && typeof d === 'object') problems.push(...validateDeviceConfig(d, `config.devices[${i}]`));
    });
  }
  if (loose.scenario && typeof loose.scenario === 'object') {
    problems.push(...validateScenarioConfig(loose.scenario, 'config.scenario'));
    const relay = (loose.scenario as { gate?: { relay?: unknown } }).gate?.relay;
    const devices = Array.isArray(loose.devices) ? (loose.devices as { id?: unknown; role?: unknown }[]) : [];
    if (typeof relay === 'string' && !devices.some((d) => d?.id === relay && d?.role === 'relay')) {
      problems.push(`config.scenario.gate.relay: "${relay}" is not the id of a device with role "relay" in config.devices`);
    }
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
    scenario: ScenarioConfig;
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
    scenario: raw.scenario,
    devices: raw.devices ?? [],
  };
  return deepFreeze(config);
}

export function loadConfig(file: string): Readonly<TerminalConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [`cannot read the file: ${(e as Error).message}`]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(file, [`not valid JSON: ${(e as Error).message}; fix it, or put back the copy it was installed from`]);
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
