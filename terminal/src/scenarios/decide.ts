// Scenario policy: a pure function of the reading, the verifier's result and the configuration.
// The verifier answers "is this code genuine and current"; this answers "does this venue take it".
import type { VerifyResult } from '../codes/index.ts';
import type { Reading } from '../devices/index.ts';
import type { Reason } from './reasons.ts';
import type { Decision, ScenarioConfig } from './types.ts';
import { endOfLocalDay } from './venue-time.ts';

export interface DecideContext {
  /** Trusted time, unix seconds. */
  now: number;
  skew: number;
  /** Seconds since the installed trust list was issued, or null without one. */
  trustAge: number | null;
}

/** Fields of the holder's subject a scenario needs the holder to have authorized. */
const REQUIRED_SUBJECT: Partial<Record<ScenarioConfig['id'], string[]>> = {
  'hotel-checkin': ['name', 'doc_type', 'doc_no'],
  'hospital-checkin': ['name'],
};

const DEFAULT_TYPES: Record<ScenarioConfig['id'], string[]> = {
  verify: ['personal', 'health', 'credential', 'hcert'],
  'hotel-checkin': ['personal', 'credential'],
  'queue-ticket': ['personal', 'credential'],
  gate: ['personal', 'health'],
  'hospital-checkin': ['personal', 'credential'],
};

const EVENT_TYPE: Record<ScenarioConfig['id'], string> = {
  verify: 'verdict',
  'hotel-checkin': 'registration',
  'queue-ticket': 'ticket',
  gate: 'passage',
  'hospital-checkin': 'checkin',
};

export function allowsReplay(cfg: ScenarioConfig): boolean {
  return cfg.allow_replay ?? (cfg.id === 'hotel-checkin' || cfg.id === 'hospital-checkin' || cfg.id === 'verify');
}

function refuse(base: Decision, reason: Reason): Decision {
  return { ...base, accepted: false, reason, personal: null, replay: null, effects: [], wants_ticket: false };
}

function mask(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

export function decide(cfg: ScenarioConfig, reading: Reading, verdict: VerifyResult | null, ctx: DecideContext): Decision {
  const base: Decision = {
    accepted: false,
    reason: null,
    source: 'other',
    issuer: null,
    code_type: null,
    replayed: false,
    display: {},
    event_type: EVENT_TYPE[cfg.id],
    body: {},
    personal: null,
    replay: null,
    effects: [],
    wants_ticket: false,
  };
  if (reading.kind === 'code') return decideCode(cfg, verdict!, base, ctx);
  if (reading.kind === 'idcard') return decideDocument(cfg, base, 'idcard', reading.card, ctx);
  return decideDocument(cfg, base, 'mrz', reading.fields, ctx);
}

function decideCode(cfg: ScenarioConfig, v: VerifyResult, base: Decision, ctx: DecideContext): Decision {
  const yss = (v.claims?.yss ?? {}) as Record<string, unknown>;
  const subject = (yss.subject ?? null) as Record<string, unknown> | null;
  const health = (yss.health ?? null) as { status?: string } | null;
  const credential = (yss.credential ?? null) as Record<string, unknown> | null;
  const d: Decision = {
    ...base,
    source: v.family ?? 'other',
    issuer: v.issuer,
    code_type: v.type,
    replayed: v.replayed,
    body: { family: v.family, issuer: v.issuer, type: v.type, reason: v.reason, replayed: v.replayed, cti_hash: null },
  };
  if (!v.family) return refuse(d, 'not_a_code');
  if (!v.valid) return refuse(d, v.reason ?? 'malformed');
  if (cfg.trust_max_age_s !== undefined && (ctx.trustAge === null || ctx.trustAge > cfg.trust_max_age_s)) return refuse(d, 'trust_list_too_old');
  if (cfg.accept_issuers && !cfg.accept_issuers.includes(v.issuer ?? '')) return refuse(d, 'issuer_not_accepted');
  if (!(cfg.accept_types ?? DEFAULT_TYPES[cfg.id]).includes(v.type ?? '')) return refuse(d, 'type_not_allowed');
  if (health?.status && (cfg.require_green || cfg.id === 'gate') && health.status !== 'green') return refuse(d, 'health_status');
  const needed = REQUIRED_SUBJECT[cfg.id] ?? [];
  const scope = Array.isArray(yss.scope) ? (yss.scope as unknown[]) : [];
  if (needed.length && v.type === 'personal' && (!scope.includes(cfg.id) || needed.some((k) => subject?.[k] === undefined))) {
    return refuse(d, 'authorization_required');
  }
  const name = typeof subject?.name === 'string' ? subject.name : null;
  const display: Decision['display'] = {};
  const masked = typeof subject?.name_masked === 'string' ? subject.name_masked : name ? mask(name) : undefined;
  if (masked) display.name_masked = masked;
  if (health?.status === 'green' || health?.status === 'yellow' || health?.status === 'red') display.health = health.status;
  if (credential) {
    if (typeof credential.type === 'string') display.credential_type = credential.type;
    if (typeof credential.valid_until === 'string') display.valid_until = credential.valid_until;
  }
  const keep = needed.length ? Object.fromEntries(Object.entries(subject ?? {}).filter(([k]) => k !== 'name_masked')) : null;
  return {
    ...d,
    accepted: true,
    reason: null,
    display,
    personal: keep && Object.keys(keep).length ? { kind: 'code-subject', ...keep } : null,
    replay: v.type === 'personal' && v.cti && !v.replayed && v.exp !== null ? { cti: v.cti, until: v.exp + ctx.skew } : null,
    effects: effectsFor(cfg),
    wants_ticket: cfg.id === 'queue-ticket',
  };
}

/** ID card and MRZ readings: the document's own check digits and validity decide. */
function decideDocument(cfg: ScenarioConfig, base: Decision, source: 'idcard' | 'mrz', fields: Record<string, unknown>, ctx: DecideContext): Decision {
  const d: Decision = { ...base, source, body: { source, card_type: fields.card_type ?? fields.format ?? null } };
  if (cfg.id === 'gate' || cfg.id === 'verify') return refuse(d, 'not_a_code');
  const numberValid = source === 'idcard' ? fields.id_number_valid !== false : fields.valid !== false;
  if (!numberValid) return refuse(d, 'id_number_invalid');
  const validTo = (fields.valid_to ?? fields.expiry_date) as string | undefined;
  if (validTo && /^\d{4}-\d{2}-\d{2}$/.test(validTo)) {
    const end = endOfLocalDay(validTo);
    if (end < ctx.now) return refuse(d, 'document_expired');
  }
  const name = (fields.name ?? fields.name_en ?? fields.surname ?? null) as string | null;
  const keep = Object.fromEntries(Object.entries(fields).filter(([k]) => k !== 'photo' && k !== 'raw'));
  return {
    ...d,
    accepted: true,
    display: name ? { name_masked: mask(name) } : {},
    personal: { kind: source, ...keep },
    effects: effectsFor(cfg),
    wants_ticket: cfg.id === 'queue-ticket',
  };
}

function effectsFor(cfg: ScenarioConfig): Decision['effects'] {
  if (cfg.id === 'gate') return [{ kind: 'gate', opened: true }];
  if (cfg.id === 'hotel-checkin') return [{ kind: 'registration' }];
  return [];
}
