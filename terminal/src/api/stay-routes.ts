// The desk's stay routes (venue `stay`): today's stays for the staff screen, a foreign guest's
// details, a head count confirmed, check-out per guest or per room behind the staff session; and
// check-out by a scan, which the self-service kiosk may do alone. Ids in paths are integers; every
// body is checked field by field before the desk sees it.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DeskRefusal, StayDesk } from '../daemon/index.ts';
import { COUNT_REASONS } from '../venue/index.ts';
import { fail, type RouteGuards } from './kiosk-routes.ts';
import type { CheckoutRequest, CorrectionRequest, CountConfirmRequest, ForeignDetailsRequest, StayView } from './messages.ts';

const SELF_DETAIL_KEYS = ['seq', 'visa_type', 'visa_no', 'entry_date', 'entry_port'];

const id = (s: string): number | null => (/^[1-9][0-9]{0,15}$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : null);
const isObject = (b: unknown): b is Record<string, unknown> => typeof b === 'object' && b !== null && !Array.isArray(b);

function answer(reply: FastifyReply, r: StayView | DeskRefusal): unknown {
  if ('error' in r) return fail(reply, r.error, {}, r.message);
  return r;
}

export function stayRoutes(app: FastifyInstance, guards: RouteGuards, desk: StayDesk | null): void {
  const { staffOnly, sameOrigin } = guards;
  const noStays = (reply: FastifyReply) => fail(reply, 'YSS_API_NO_STAYS');

  app.get('/api/staff/stays', { onRequest: staffOnly }, async (_req, reply) => (desk ? desk.overview() : noStays(reply)));

  app.post<{ Params: { id: string }; Body: unknown }>('/api/staff/guests/:id/details', { onRequest: staffOnly }, async (req, reply) => {
    if (!desk) return noStays(reply);
    const g = id(req.params.id);
    if (g === null) return fail(reply, 'YSS_API_STAY_NOT_FOUND', {}, `No guest ${req.params.id.slice(0, 20)}`);
    if (!isObject(req.body) || Object.values(req.body).some((v) => typeof v !== 'string')) {
      return fail(reply, 'YSS_API_BAD_REQUEST', {}, 'Expected { visa_type, visa_no, entry_date, entry_port } as strings');
    }
    return answer(reply, desk.foreignDetails(g, req.body as ForeignDetailsRequest));
  });

  app.post<{ Params: { id: string }; Body: unknown }>('/api/staff/guests/:id/correct', { onRequest: staffOnly }, async (req, reply) => {
    if (!desk) return noStays(reply);
    const g = id(req.params.id);
    if (g === null) return fail(reply, 'YSS_API_STAY_NOT_FOUND', {}, `No guest ${req.params.id.slice(0, 20)}`);
    if (!isObject(req.body) || Object.values(req.body).some((v) => typeof v !== 'string')) return fail(reply, 'YSS_API_BAD_REQUEST', {}, 'Expected an object of strings (the fields to correct)');
    return answer(reply, desk.correct(g, req.body as CorrectionRequest));
  });

  app.post<{ Params: { id: string }; Body: unknown }>('/api/staff/stays/:id/count', { onRequest: staffOnly }, async (req, reply) => {
    if (!desk) return noStays(reply);
    const s = id(req.params.id);
    if (s === null) return fail(reply, 'YSS_API_STAY_NOT_FOUND', {}, `No stay ${req.params.id.slice(0, 20)}`);
    const reason = isObject(req.body) ? req.body.reason : undefined;
    if (!isObject(req.body) || Object.keys(req.body).length !== 1 || !COUNT_REASONS.includes(reason as never)) {
      return fail(reply, 'YSS_API_BAD_REQUEST', {}, `Expected { reason: one of ${COUNT_REASONS.join(', ')} }`);
    }
    return answer(reply, desk.confirmCount(s, { reason } as CountConfirmRequest));
  });

  app.post<{ Params: { id: string } }>('/api/staff/guests/:id/checkout', { onRequest: staffOnly }, async (req, reply) => {
    if (!desk) return noStays(reply);
    const g = id(req.params.id);
    if (g === null) return fail(reply, 'YSS_API_STAY_NOT_FOUND', {}, `No guest ${req.params.id.slice(0, 20)}`);
    return answer(reply, desk.checkOut({ guest: g }));
  });

  app.post<{ Params: { id: string } }>('/api/staff/stays/:id/checkout', { onRequest: staffOnly }, async (req, reply) => {
    if (!desk) return noStays(reply);
    const s = id(req.params.id);
    if (s === null) return fail(reply, 'YSS_API_STAY_NOT_FOUND', {}, `No stay ${req.params.id.slice(0, 20)}`);
    return answer(reply, desk.checkOut({ stay: s }));
  });

  // The self-service kiosk's guest adds their own foreign details (venue stay.self_details); the desk checks the reading is theirs.
  app.post<{ Body: unknown }>('/api/registration/details', { onRequest: sameOrigin }, async (req, reply) => {
    if (!desk) return noStays(reply);
    const b = req.body;
    const { seq, ...details } = isObject(b) ? b : {};
    if (!isObject(b) || !Number.isSafeInteger(seq) || Object.keys(b).some((k) => !SELF_DETAIL_KEYS.includes(k)) || Object.values(details).some((v) => typeof v !== 'string')) {
      return fail(reply, 'YSS_API_BAD_REQUEST', {}, 'Expected { seq: integer, visa_type, visa_no, entry_date, entry_port } with the details as strings');
    }
    return answer(reply, desk.selfDetails(seq as number, details as ForeignDetailsRequest));
  });

  app.post<{ Body: unknown }>('/api/checkout', { onRequest: sameOrigin }, async (req, reply) => {
    if (!desk) return noStays(reply);
    const b = req.body as Partial<CheckoutRequest> | null;
    if (!isObject(b) || Object.keys(b).length !== 1 || !Number.isSafeInteger(b.seq)) return fail(reply, 'YSS_API_BAD_REQUEST', {}, 'Expected { seq: integer }');
    return answer(reply, desk.checkOut({ seq: b.seq as number }));
  });
}
