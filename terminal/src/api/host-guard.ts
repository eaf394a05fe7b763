// Who may talk to the loopback API. Listening on 127.0.0.1 keeps the network out, but not a web
// page open on the kiosk machine: through DNS rebinding (evil.example resolving to 127.0.0.1) its
// requests arrive with `Host: evil.example:PORT` and a matching Origin, and a WebSocket upgrade is
// not bound by the same-origin policy at all. So every request, static files and upgrades
// included, must name one of the daemon's own addresses in Host, and a browser request must come
// from a page the daemon served (its Origin is one of those addresses too; the Electron shell
// loads the daemon's page, so it has the same origin). Clients that send no Origin are not
// browsers, and cannot be made to act for a web page.
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Host header values the daemon answers to on `port`: its loopback names, nothing else. */
export function allowedHosts(port: number): Set<string> {
  const hosts = ['127.0.0.1', 'localhost', '[::1]'];
  const set = new Set(hosts.map((h) => `${h}:${port}`));
  // Browsers leave out the default port.
  if (port === 80) for (const h of hosts) set.add(h);
  return set;
}

/** Origins of pages the daemon served on `port` (the kiosk in a browser or in the Electron shell). */
export function allowedOrigins(port: number): Set<string> {
  return new Set([...allowedHosts(port)].map((h) => `http://${h}`));
}

export interface Refusal {
  status: 403 | 421;
  error: 'YSS_API_WRONG_HOST' | 'YSS_API_FOREIGN_ORIGIN';
  message: string;
}

/**
 * Why a request with these headers must be refused, or null when it may go on. `port` is the
 * port the daemon actually listens on.
 */
export function refusal(headers: { host?: string; origin?: string | string[] }, port: number): Refusal | null {
  const host = headers.host?.toLowerCase();
  if (host === undefined || !allowedHosts(port).has(host)) {
    return { status: 421, error: 'YSS_API_WRONG_HOST', message: `This daemon answers only to 127.0.0.1:${port}, localhost:${port} and [::1]:${port}` };
  }
  const origin = headers.origin;
  if (origin === undefined) return null;
  if (typeof origin !== 'string' || !allowedOrigins(port).has(origin.toLowerCase())) {
    return { status: 403, error: 'YSS_API_FOREIGN_ORIGIN', message: 'Requests from another origin are refused' };
  }
  return null;
}

/**
 * A Fastify onRequest hook applying refusal() to every request, WebSocket upgrades included.
 * `port()` reads the listening port at request time (the config may ask for port 0).
 */
export function hostGuard(port: () => number) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const r = refusal(req.headers, port());
    if (!r) return;
    // An upgrade refused here is answered on the raw socket and closed: no keep-alive for strangers.
    await reply.code(r.status).header('connection', 'close').send({ error: r.error, message: r.message });
  };
}
