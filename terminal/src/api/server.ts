// The loopback API the kiosk uses: GET /api/health, the /api/events WebSocket, and the kiosk's
// static files at /. Bound to 127.0.0.1 only; nothing here is meant for the network.
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { hostGuard } from './host-guard.ts';
import type { EventMessage, Health } from './messages.ts';

export interface ApiOptions {
  host: string;
  port: number;
  log: Logger;
  health(): Health;
  /** Folder with the built kiosk UI (kiosk-ui/web/dist). */
  uiDir: string;
  /** Extra routes (the kiosk's staff and registration routes) registered on the same server. */
  plugins?: ((app: FastifyInstance) => void)[];
  /** Concurrent /api/events sockets; more are refused with 503. Default 8 (a kiosk uses one). */
  maxSockets?: number;
}

export class ApiServer {
  readonly app: FastifyInstance;
  private readonly clients = new Set<WebSocket>();
  private url_ = '';

  constructor(private readonly opts: ApiOptions) {
    // Request logs stay below the level: the kiosk polls, and a log line per poll is noise.
    const app = Fastify({ loggerInstance: opts.log.child({ component: 'api' }, { level: 'warn' }) }) as unknown as FastifyInstance;
    this.app = app;
    // First, before any route or the static files: only the daemon's own Host and Origin.
    app.addHook('onRequest', hostGuard(() => this.port));
    const maxSockets = opts.maxSockets ?? 8;
    app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
    app.register(async (scope) => {
      scope.get('/api/health', async () => opts.health());
      const capped = async (_req: unknown, reply: FastifyReply) => {
        if (this.clients.size >= maxSockets) {
          await reply.code(503).header('connection', 'close').send({ error: 'YSS_API_TOO_MANY_SOCKETS', message: `At most ${maxSockets} event sockets may be open at once` });
        }
      };
      scope.get('/api/events', { websocket: true, onRequest: capped }, (socket) => {
        // Upgrades that passed the check together can overshoot it by the few in flight.
        if (this.clients.size >= maxSockets) return socket.close(1013, 'too many event sockets');
        this.clients.add(socket);
        socket.on('close', () => this.clients.delete(socket));
        socket.on('error', () => this.clients.delete(socket));
        socket.send(JSON.stringify({ type: 'health', health: opts.health() } satisfies EventMessage));
      });
      for (const plugin of opts.plugins ?? []) plugin(scope);
    });
    if (existsSync(join(opts.uiDir, 'index.html'))) {
      app.register(fastifyStatic, { root: opts.uiDir, prefix: '/', index: ['index.html'] });
    } else {
      app.get('/', async (_req, reply) =>
        reply.type('text/plain; charset=utf-8').send('kiosk UI not built: run `npm run build` (or `npm start`, which builds it)\n'),
      );
    }
  }

  /** The port listened on (0 before listen()). */
  get port(): number {
    const addr = this.app.server.address();
    return typeof addr === 'object' && addr ? addr.port : 0;
  }

  get url(): string {
    return this.url_;
  }

  async listen(): Promise<string> {
    try {
      await this.app.listen({ host: this.opts.host, port: this.opts.port });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      throw new Error(`port ${this.opts.port} on ${this.opts.host} is already in use by another program: stop it, or set api.port in the config to a free port`, { cause: e });
    }
    const addr = this.app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : this.opts.port;
    this.url_ = `http://${this.opts.host === '::1' ? '[::1]' : this.opts.host}:${port}/`;
    return this.url_;
  }

  /** Sends one message to every connected kiosk. */
  broadcast(message: EventMessage): void {
    if (this.clients.size === 0) return;
    const text = JSON.stringify(message);
    for (const c of this.clients) if (c.readyState === 1) c.send(text);
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.terminate();
    await this.app.close();
  }
}
