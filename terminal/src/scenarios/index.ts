export { decide, allowsReplay, type DecideContext } from './decide.ts';
export { VENUE_TIME_ZONE, localDay, endOfLocalDay, localDateTime } from './venue-time.ts';
export type { Decision, Display, Effect, ScenarioConfig, Source } from './types.ts';
export { SCENARIO_REASONS, type Reason, type ScenarioReason } from './reasons.ts';
import type { ScenarioConfig } from './types.ts';

const IDS: ScenarioConfig['id'][] = ['verify', 'hotel-checkin', 'queue-ticket', 'gate', 'hospital-checkin'];
const KEYS = new Set(['id', 'accept_issuers', 'accept_types', 'trust_max_age_s', 'allow_replay', 'ticket', 'gate', 'require_green', '$comment']);

/** Every problem with a scenario configuration, as specific messages; [] when valid. */
export function validateScenarioConfig(value: unknown, where: string): string[] {
  const v = value as Record<string, unknown>;
  const problems: string[] = [];
  if (!IDS.includes(v.id as ScenarioConfig['id'])) problems.push(`${where}.id: expected one of ${IDS.join(', ')}, got ${JSON.stringify(v.id)}`);
  for (const k of Object.keys(v)) if (!KEYS.has(k)) problems.push(`${where}: unknown key "${k}"`);
  const strings = (k: string) => {
    if (v[k] !== undefined && !(Array.isArray(v[k]) && (v[k] as unknown[]).every((x) => typeof x === 'string'))) {
      problems.push(`${where}.${k}: expected an array of strings`);
    }
  };
  strings('accept_issuers');
  strings('accept_types');
  if (v.trust_max_age_s !== undefined && !(Number.isInteger(v.trust_max_age_s) && (v.trust_max_age_s as number) > 0)) {
    problems.push(`${where}.trust_max_age_s: expected a positive integer of seconds`);
  }
  for (const k of ['allow_replay', 'require_green']) {
    if (v[k] !== undefined && typeof v[k] !== 'boolean') problems.push(`${where}.${k}: expected true or false`);
  }
  if (v.id === 'queue-ticket') {
    const t = v.ticket as Record<string, unknown> | undefined;
    if (!t || typeof t.prefix !== 'string' || !/^[A-Z]{1,3}$/.test(t.prefix) || typeof t.service !== 'string') {
      problems.push(`${where}.ticket: queue-ticket needs {"prefix": "A" (1-3 capital letters), "service": "<name>"}`);
    }
  }
  if (v.id === 'gate' && v.gate !== undefined) {
    const g = v.gate as Record<string, unknown>;
    if (typeof g.relay !== 'string' || !Number.isInteger(g.pulse_ms) || (g.pulse_ms as number) < 50 || (g.pulse_ms as number) > 30_000) {
      problems.push(`${where}.gate: expected {"relay": "<device id>", "pulse_ms": 50..30000}`);
    }
  }
  return problems;
}
