// The three catalogs and the one lookup. Every visible or spoken string comes from a catalog;
// `MessageKey` is the zh-CN catalog's key set, so a missing key is a type error.
import type { Degraded, FixedDegraded, Reason } from '../../../terminal/src/api/messages.ts';
import en from '../catalog/en.json';
import zhCN from '../catalog/zh-CN.json';
import zhHK from '../catalog/zh-HK.json';

export const LANGS = ['zh-CN', 'zh-HK', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export type MessageKey = keyof typeof zhCN;

export const CATALOGS: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, 'zh-HK': zhHK, en };

/** Every Reason, checked both ways by the compiler (a new Reason is an error here until mapped). */
export const REASONS = {
  malformed: true,
  unsupported_alg: true,
  unknown_key: true,
  alg_mismatch: true,
  issuer_mismatch: true,
  key_revoked: true,
  key_not_valid: true,
  type_not_allowed: true,
  bad_signature: true,
  not_yet_valid: true,
  expired: true,
  lifetime_too_long: true,
  revoked: true,
  replayed: true,
  issuer_not_accepted: true,
  authorization_required: true,
  health_status: true,
  trust_list_too_old: true,
  not_a_code: true,
  id_number_invalid: true,
  document_expired: true,
  input_not_accepted: true,
  identity_required: true,
  health_status_unknown: true,
  health_status_stale: true,
  outside_hours: true,
  numbers_unavailable: true,
  daily_cap_reached: true,
  category_closed: true,
  already_in_queue: true,
  not_on_list: true,
  access_not_yet_valid: true,
  access_expired: true,
  wrong_slot: true,
  slot_full: true,
  day_full: true,
  anti_passback: true,
  feed_too_old: true,
  item_barcode_invalid: true,
  loan_no_session: true,
  loan_limit: true,
  patron_unknown: true,
  ils_refused: true,
  not_on_roster: true,
  meeting_not_open: true,
  no_appointment: true,
  too_early: true,
  already_signed_in: true,
  department_needed: true,
} as const satisfies Record<Reason, true>;

/** Every fixed degraded code, checked both ways by the compiler like REASONS; `device_<id>` and `feed_<kind>` are more. */
export const DEGRADED = {
  no_trust_list: true,
  trust_list_stale: true,
  clock_untrusted: true,
  sync_offline: true,
  sync_backoff: true,
  sync_unenrolled: true,
  queue_near_quota: true,
  queue_over_quota: true,
  hall_numbers_low: true,
  ils_offline: true,
  hall_numbers_out: true,
} as const satisfies Record<FixedDegraded, true>;

/** Staff words for one degraded code; a code from a newer daemon is shown as it is. */
export function degradedText(lang: Lang, code: Degraded): string {
  if (code.startsWith('device_')) return t(lang, 'degraded.device', { id: code.slice('device_'.length) });
  if (code.startsWith('feed_')) return t(lang, 'degraded.feed', { kind: code.slice('feed_'.length) });
  if (Object.hasOwn(DEGRADED, code)) return t(lang, `degraded.${code as FixedDegraded}`);
  return t(lang, 'degraded.unknown', { code });
}

export function isLang(x: unknown): x is Lang {
  return typeof x === 'string' && (LANGS as readonly string[]).includes(x);
}

/** Looks a key up and fills `{name}` placeholders. */
export function t(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  return CATALOGS[lang][key].replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** The words for a refusal, and what to do next. An unknown code (newer daemon) gets generic words. */
export function reasonKeys(reason: Reason | null): { reason: MessageKey; next: MessageKey } {
  if (reason === null || !Object.hasOwn(REASONS, reason)) return { reason: 'reason.unknown', next: 'next.unknown' };
  return { reason: `reason.${reason}`, next: `next.${reason}` };
}
