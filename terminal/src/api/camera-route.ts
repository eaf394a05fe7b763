// POST /api/camera: the kiosk page's camera scanner reports decoded codes and its camera's state.
// Only the kiosk's own page may call it: the request must carry an Origin equal to the daemon's
// own (a browser always sends one on a POST), so neither another site open in the kiosk's browser
// nor a process on the machine posting without an Origin can inject a "scan". Frames never come
// here, only the decoded text, bounded to what a QR code can hold.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError } from './messages.ts';

/** What the route hands the camera device; false when the report was dropped (repeat, closed). */
export interface CameraSink {
  report(r: { kind: 'reading'; text: string; format: string | null } | { kind: 'status'; camera: 'open' | 'denied' | 'unavailable' | 'closed'; detail: string | null }): boolean;
}

const MAX_TEXT = 7089;
const CAMERA_STATES = ['open', 'denied', 'unavailable', 'closed'] as const;

const ERRORS = {
  YSS_API_NOT_KIOSK_ORIGIN: { status: 403, message: 'Only the kiosk page itself may report camera readings' },
  YSS_API_NO_CAMERA: { status: 404, message: 'No camera-scanner device is configured' },
  YSS_API_BAD_REQUEST: { status: 400, message: 'Expected { "text": "<1-7089 characters>", "format"?: "QRCode" } or { "camera": "open" | "denied" | "unavailable" | "closed", "detail"?: "<text>" }' },
} as const;

function fail(reply: FastifyReply, code: keyof typeof ERRORS): FastifyReply {
  const body: ApiError = { error: code, message: ERRORS[code].message };
  return reply.code(ERRORS[code].status).send(body);
}

/** True only for a browser request from the daemon's own origin (scheme http, same host and port). */
export function fromKioskPage(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return false;
  try {
    const u = new URL(origin);
    return u.protocol === 'http:' && u.host === req.headers.host && req.headers['sec-fetch-site'] !== 'cross-site';
  } catch {
    return false;
  }
}

export function cameraRoute(app: FastifyInstance, camera: CameraSink | undefined): void {
  app.post<{ Body: unknown }>('/api/camera', { bodyLimit: 32 * 1024 }, async (req, reply) => {
    if (!fromKioskPage(req)) return fail(reply, 'YSS_API_NOT_KIOSK_ORIGIN');
    if (!camera) return fail(reply, 'YSS_API_NO_CAMERA');
    const b = req.body as Record<string, unknown> | null;
    if (b && typeof b === 'object' && typeof b.text === 'string') {
      const format = b.format === undefined ? null : b.format;
      if (b.text.length < 1 || b.text.length > MAX_TEXT || (format !== null && (typeof format !== 'string' || !/^[A-Za-z0-9]{1,20}$/.test(format)))) return fail(reply, 'YSS_API_BAD_REQUEST');
      return { accepted: camera.report({ kind: 'reading', text: b.text, format }) };
    }
    if (b && typeof b === 'object' && CAMERA_STATES.includes(b.camera as (typeof CAMERA_STATES)[number])) {
      const detail = typeof b.detail === 'string' ? b.detail.slice(0, 200) : null;
      return { accepted: camera.report({ kind: 'status', camera: b.camera as (typeof CAMERA_STATES)[number], detail }) };
    }
    return fail(reply, 'YSS_API_BAD_REQUEST');
  });
}
