// Config pushes over HTTP (docs/config-push.md): an operator with the `config` role pushes to one
// terminal or to every terminal of a venue, the service signs each terminal's own document with
// its config key, the terminal pulls, checks and applies or refuses.
//
// A venue push is stored once for the venue and as the next version of each terminal bound to it,
// so a terminal still checks and rolls back exactly one signed document addressed to it, as for a
// push of its own. A terminal bound to the venue later (enrolled for it, or moved to it) is given
// the venue's config when it is bound and again, should that have raced a push, at its next pull.
import type { onRequestHookHandler } from 'fastify';
import {
  CONFIG_PUSH_FORMAT,
  CONFIG_PUSH_MAX_BYTES,
  configPushEtag,
  hashPin,
  signConfigPush,
  type PushedConfig,
} from '../../terminal/src/protocol/index.ts';
import { ServiceError } from './errors.ts';
import type { ConfigKey } from './keys.ts';
import * as S from './schemas.ts';
import type { ServiceApp } from './typed-app.ts';
import type { Storage } from './storage/types.ts';

/** What an operator may send: the PIN as digits (hashed here, never stored), not as a hash. */
const CHANGE_KEYS = ['venue', 'staff_pin', 'trust_max_age_s'] as const;
type Change = Partial<Record<(typeof CHANGE_KEYS)[number] | 'staff_pin_hash', unknown>>;

/**
 * What a push may carry, checked before it is signed. The venue's meaning is checked by the
 * terminal against its own venue schema (the one its software version has), which reports a
 * refusal in its heartbeat; the service checks only the shape every version shares.
 */
export function checkPushedConfig(body: unknown): Change {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ServiceError('YSS_SYNC_CONFIG_INVALID', 'the body is not a JSON object');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !(CHANGE_KEYS as readonly string[]).includes(k));
  if (unknown.length) throw new ServiceError('YSS_SYNC_CONFIG_INVALID', `unknown key ${JSON.stringify(unknown[0])}: a push may carry venue, staff_pin and trust_max_age_s`);
  if (Object.keys(b).length === 0) throw new ServiceError('YSS_SYNC_CONFIG_INVALID', 'nothing to change: give venue, staff_pin or trust_max_age_s');
  // null takes a key back to the terminal's own config file.
  if (b.venue != null && (typeof b.venue !== 'object' || Array.isArray(b.venue))) throw new ServiceError('YSS_SYNC_CONFIG_INVALID', 'venue is not an object (a whole venue file, docs/config.md)');
  if (b.staff_pin != null && (typeof b.staff_pin !== 'string' || !/^(?:[0-9]{4,12})?$/.test(b.staff_pin))) throw new ServiceError('YSS_SYNC_CONFIG_INVALID', 'staff_pin is not 4 to 12 digits (or empty for no staff sign-in)');
  if (b.trust_max_age_s != null && !(Number.isSafeInteger(b.trust_max_age_s) && (b.trust_max_age_s as number) >= 60)) {
    throw new ServiceError('YSS_SYNC_CONFIG_INVALID', 'trust_max_age_s is not an integer of at least 60 seconds');
  }
  return b;
}

/** The change as it is stored and signed: PIN digits replaced by their salted scrypt hash. An empty PIN (no sign-in) is no secret and stays. */
export async function sealedChange(change: Change): Promise<Change> {
  if (typeof change.staff_pin !== 'string' || change.staff_pin === '') return change;
  const { staff_pin: digits, ...rest } = change;
  return { ...rest, staff_pin_hash: await hashPin(digits as string) };
}

/**
 * `change` laid over `previous`. A PIN in either form replaces the PIN in both; with `keepNulls`
 * (a venue's accumulated config) a null is kept so it still takes the key back when laid over a
 * terminal's document, otherwise it removes the key.
 */
export function layConfig(previous: Record<string, unknown> | null, change: Change, keepNulls = false): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...previous };
  if ('staff_pin' in change || 'staff_pin_hash' in change) {
    delete merged.staff_pin;
    delete merged.staff_pin_hash;
  }
  Object.assign(merged, change);
  if (!keepNulls) for (const k of Object.keys(merged)) if (merged[k] === null) delete merged[k];
  return merged;
}

/** The config a stored push document carries (the service's own signed document: read, not verified again). */
export function pushedConfigOf(jws: string): PushedConfig {
  return (JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8')) as { config: PushedConfig }).config;
}

/** A pushed config as operators may read it: whether a PIN is set, never its digits or hash. */
export function shownConfig(config: Record<string, unknown>): Record<string, unknown> {
  const { staff_pin, staff_pin_hash, ...rest } = config;
  if (staff_pin === undefined && staff_pin_hash === undefined) return rest;
  return { ...rest, staff_pin: staff_pin === null ? null : staff_pin_hash || staff_pin ? 'set' : 'none' };
}

export function configSigner(configKey: ConfigKey, at: number) {
  return (terminalId: string, version: number, config: Record<string, unknown>): string => {
    const jws = signConfigPush({ format: CONFIG_PUSH_FORMAT, terminal_id: terminalId, version, issued_at: at, config: config as PushedConfig }, configKey.privateKey, configKey.kid);
    if (jws.length > CONFIG_PUSH_MAX_BYTES) throw new ServiceError('YSS_SYNC_CONFIG_INVALID', `the signed document would be ${jws.length} bytes, more than ${CONFIG_PUSH_MAX_BYTES}`);
    return jws;
  };
}

/** Gives a terminal its venue's newest push if it lacks it (see the file's first comment). */
export async function catchUpVenueConfig(storage: Storage, configKey: ConfigKey, terminalId: string, at: number) {
  const sign = configSigner(configKey, at);
  return storage.catchUpVenueConfig(terminalId, at, (version, previous, venueConfig) =>
    sign(terminalId, version, layConfig(previous ? (pushedConfigOf(previous) as Record<string, unknown>) : null, JSON.parse(venueConfig) as Change)),
  );
}

export function registerConfigRoutes(
  app: ServiceApp,
  o: { storage: Storage; now: () => number; configKey: ConfigKey; authenticateOperator: onRequestHookHandler; terminalRoute: Record<string, unknown> },
): void {
  const { storage, now, configKey } = o;
  const operatorRoute = { config: { auth: 'operator' as const }, onRequest: o.authenticateOperator };
  const configRoute = { config: { auth: 'operator' as const, role: 'config' as const }, onRequest: o.authenticateOperator, bodyLimit: CONFIG_PUSH_MAX_BYTES };

  app.put('/admin/terminals/:id/config', { ...configRoute, schema: { params: S.idParams, body: S.configPushBody, response: { 200: S.configPushReply, ...S.errorReplies } } }, async (req) => {
    const { id } = req.params;
    const asked = checkPushedConfig(req.body);
    const t = await storage.getTerminal(id);
    if (!t || t.status === 'revoked') throw new ServiceError('YSS_SYNC_NOT_FOUND', `terminal ${id}${t ? ' (revoked)' : ''}`);
    const change = await sealedChange(asked);
    const at = now();
    const sign = configSigner(configKey, at);
    // Each document is whole (the terminal needs only the newest): the change laid over the push before it.
    const version = await storage.publishConfig(id, req.operator!.name, at, (v, previous) => sign(id, v, layConfig(previous ? (pushedConfigOf(previous) as Record<string, unknown>) : null, change)));
    // Which keys changed and who changed them; never the values (the PIN is a secret).
    req.log.info({ terminal_id: id, version, keys: Object.keys(asked), operator: req.operator!.name }, 'config pushed');
    return { terminal_id: id, version, published_at: at };
  });

  app.get('/admin/terminals/:id/config', { ...operatorRoute, schema: { params: S.idParams, response: { 200: S.terminalConfigReply, ...S.errorReplies } } }, async (req) => {
    const { id } = req.params;
    const t = await storage.getTerminal(id);
    if (!t) throw new ServiceError('YSS_SYNC_NOT_FOUND', `terminal ${id}`);
    const doc = await storage.configDoc(id);
    return {
      terminal_id: id,
      published: doc ? { version: doc.version, operator: doc.operator, published_at: doc.published_at, config: shownConfig(pushedConfigOf(doc.jws) as Record<string, unknown>) } : null,
      applied: t.heartbeat?.config?.version ?? null,
      rejected: t.heartbeat?.config?.rejected ?? null,
    };
  });

  app.put('/admin/venues/:venue/config', { ...configRoute, schema: { params: S.venueParams, body: S.configPushBody, response: { 200: S.venueConfigPushReply, ...S.errorReplies } } }, async (req) => {
    const { venue } = req.params;
    const asked = checkPushedConfig(req.body);
    const change = await sealedChange(asked);
    const at = now();
    const sign = configSigner(configKey, at);
    const r = await storage.publishVenueConfig(
      venue,
      req.operator!.name,
      at,
      (previous) => JSON.stringify(layConfig(previous ? (JSON.parse(previous) as Record<string, unknown>) : null, change, true)),
      (id, v, previous) => sign(id, v, layConfig(previous ? (pushedConfigOf(previous) as Record<string, unknown>) : null, change)),
    );
    req.log.info({ venue, version: r.version, terminals: r.terminals.length, keys: Object.keys(asked), operator: req.operator!.name }, 'venue config pushed');
    return { venue, version: r.version, published_at: at, terminals: r.terminals.map((x) => ({ terminal_id: x.terminal_id, version: x.terminal_version })) };
  });

  app.get('/admin/venues/:venue/config', { ...operatorRoute, schema: { params: S.venueParams, response: { 200: S.venueConfigReply, ...S.errorReplies } } }, async (req) => {
    const { venue } = req.params;
    const [head] = (await storage.venueConfigHeads()).filter((h) => h.venue === venue);
    if (!head) return { venue, published: null, terminals: [] };
    const terminals = await Promise.all(
      head.targets.map(async (x) => {
        const t = await storage.getTerminal(x.terminal_id);
        return { terminal_id: x.terminal_id, version: x.terminal_version, applied: t?.heartbeat?.config?.version ?? null, rejected: t?.heartbeat?.config?.rejected ?? null };
      }),
    );
    return {
      venue,
      published: { version: head.version, operator: head.operator, published_at: head.published_at, config: shownConfig(JSON.parse(head.config) as Record<string, unknown>) },
      terminals,
    };
  });

  app.get(
    '/v1/config',
    {
      ...o.terminalRoute,
      schema: { headers: { type: 'object', properties: { 'if-none-match': { type: 'string', maxLength: 128 } } }, response: { 200: S.textReply, 304: { type: 'null' }, ...S.errorReplies } },
    },
    async (req, reply) => {
      const id = req.terminal!.id;
      // Two reads decide it for most polls; the locking catch-up runs only when the venue has a push.
      const venue = await storage.terminalVenue(id);
      if (venue && (await storage.venueConfig(venue))) await catchUpVenueConfig(storage, configKey, id, now());
      const doc = await storage.configDoc(id);
      if (!doc) throw new ServiceError('YSS_SYNC_NOT_FOUND', `config push for terminal ${id}`);
      const etag = configPushEtag(doc.version, doc.jws);
      void reply.header('etag', etag).header('cache-control', 'no-cache');
      if (req.headers['if-none-match'] === etag) return reply.status(304).send();
      return reply.type('application/jose').send(doc.jws);
    },
  );
}
