// A pushed document against this terminal: the pinned key, its id, the versions it already holds,
// then the change laid over its own config file and checked as that file is at start (the config
// schema with the PIN policy, the venue schema, the cross-checks with its devices).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, parseConfig, type TerminalConfig } from '../config/index.ts';
import { ed25519PublicKey, openConfigPush, type PushedConfig } from '../protocol/index.ts';
import { pushReason } from './errors.ts';

/** The terminal's own config file: its parsed JSON and the folder its relative paths start from. */
export interface BaseConfig {
  raw: Record<string, unknown>;
  dir: string;
  file: string;
}

export type PushCheck =
  | { ok: true; version: number; config: Readonly<TerminalConfig> }
  /** `held`: the refusal may be recorded as the newest version given up (signed for this terminal, newer than any held). */
  | { ok: false; version: number | null; held: boolean; reason: string };

/** The config file with a push laid over it, checked; throws ConfigError listing every problem. */
export function configWithPush(base: BaseConfig, pushed: PushedConfig, version: number): Readonly<TerminalConfig> {
  const raw = structuredClone(base.raw);
  const where = `${base.file} with config push ${version}`;
  if (pushed.venue !== undefined) raw.venue = structuredClone(pushed.venue);
  // A pushed PIN replaces the file's in both forms: the PIN it replaces must stop working.
  if (pushed.staff_pin_hash !== undefined) raw.api = { ...(raw.api as object | undefined), staff_pin: '', staff_pin_hash: pushed.staff_pin_hash };
  else if (pushed.staff_pin !== undefined) raw.api = { ...(raw.api as object | undefined), staff_pin: pushed.staff_pin, staff_pin_hash: null };
  if (pushed.trust_max_age_s !== undefined) {
    let venue = raw.venue;
    if (typeof venue === 'string') {
      const file = resolve(base.dir, venue);
      try {
        venue = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      } catch (e) {
        throw new ConfigError(where, [`config.venue (${file}): ${(e as Error).message}`]);
      }
    }
    if (typeof venue === 'object' && venue !== null && !Array.isArray(venue)) {
      raw.venue = { ...(venue as Record<string, unknown>), trust_max_age_s: pushed.trust_max_age_s };
    }
  }
  return parseConfig(raw, base.dir, where);
}

export function checkPush(jws: string, t: { configKey: string | null; terminalId: string | null; highest: number; base: BaseConfig }): PushCheck {
  const claimed = claimedVersion(jws);
  if (!t.configKey) return { ok: false, version: claimed, held: false, reason: pushReason('YSS_CONFIG_PUSH_NO_KEY') };
  const opened = openConfigPush(jws, ed25519PublicKey(Buffer.from(t.configKey, 'base64url')));
  if (!opened.ok) return { ok: false, version: claimed, held: false, reason: pushReason('YSS_CONFIG_PUSH_BAD_SIGNATURE', opened.message) };
  const p = opened.payload;
  if (p.terminal_id !== t.terminalId) return { ok: false, version: p.version, held: false, reason: pushReason('YSS_CONFIG_PUSH_WRONG_TERMINAL', p.terminal_id, String(t.terminalId)) };
  if (p.version <= t.highest) return { ok: false, version: p.version, held: false, reason: pushReason('YSS_CONFIG_PUSH_ROLLBACK', p.version, t.highest) };
  try {
    return { ok: true, version: p.version, config: configWithPush(t.base, p.config, p.version) };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { ok: false, version: p.version, held: true, reason: pushReason('YSS_CONFIG_PUSH_INVALID', withoutPin(e.problems).join('; ')) };
  }
}

/** Problems as reported (log, heartbeat): a PIN or its hash refused is named, never quoted. */
export function withoutPin(problems: readonly string[]): string[] {
  return problems.map((p) =>
    p.startsWith('config.api.staff_pin:') ? 'config.api.staff_pin: expected 4 to 12 digits' : p.startsWith('config.api.staff_pin_hash:') ? 'config.api.staff_pin_hash: expected an scrypt hash a terminal can check' : p,
  );
}

/** The version a document claims, read without believing it (for the report of a refusal only). */
function claimedVersion(jws: string): number | null {
  try {
    const v: unknown = (JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as { version?: unknown }).version;
    return Number.isSafeInteger(v) && (v as number) >= 1 ? (v as number) : null;
  } catch {
    return null;
  }
}
