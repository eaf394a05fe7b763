// A stand-in for the terminal daemon's HTTP side, for renderer tests that need exact messages:
// it serves dist/ exactly as the daemon does, pushes typed EventMessages on /api/events and
// mounts the real kiosk routes with recording dependencies.
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { join } from 'node:path';
import type { WebSocket } from 'ws';
import { kioskRoutes } from '../../../terminal/src/api/kiosk-routes.ts';
import type { EventMessage, Health, RegistrationRequest, VerdictMessage } from '../../../terminal/src/api/messages.ts';

export const DIST = join(import.meta.dirname, '..', 'dist');
export const STAFF_PIN = '2468';

export function baseHealth(over: Partial<Health> = {}): Health {
  const now = Date.now();
  return {
    status: 'ok',
    degraded: [],
    terminal_id: 'T-0001',
    version: '0.1.0',
    scenario: 'service-hall',
    venue: { name: 'hall', kind: 'kiosk', title: { 'zh-CN': '政务服务大厅取号', 'zh-HK': '政務服務大廳取號', en: 'Service hall: take a number' }, clear_after_s: 15 },
    devices: [{ id: 'scanner-1', role: 'scanner', kind: 'serial-scanner', state: 'connected', path: '/dev/ttyACM0', detail: null, last_reading_at: null }],
    trust: { sequence: 42, issued_at: Math.floor(now / 1000) - 3600, expires_at: Math.floor(now / 1000) + 86_400, stale: false },
    feeds: [],
    queue: { backlog: 3, oldest_unsent_age_s: 95, last_seq: 120, bytes: 48_000, max_bytes: 512 * 1024 * 1024, dropped_total: 0, over_quota: false },
    sync: { state: 'idle', last_success_at: now - 30_000, last_error: null, acked_seq: 117 },
    clock: { wall: now, trusted: now, drift_s: 0 },
    ...over,
  };
}

let seq = 1000;
export function verdict(over: Partial<VerdictMessage> = {}): VerdictMessage {
  return {
    type: 'verdict',
    seq: ++seq,
    at: Date.now(),
    accepted: true,
    reason: null,
    scenario: 'service-hall',
    source: 'YSS1',
    issuer: 'CN-44',
    code_type: 'personal',
    display: { name_masked: '张*明', health: 'green' },
    replayed: false,
    effects: [],
    ...over,
  };
}

export interface FakeDaemon {
  url: string;
  port: number;
  health: Health;
  recent: VerdictMessage[];
  registrations: RegistrationRequest[];
  testTickets: number;
  /** Sends to every connected kiosk; verdicts are also kept for the staff overview. */
  push(m: EventMessage): void;
  clients(): number;
  /** Waits until at least `n` kiosks are connected. */
  waitForClients(n: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
  /** Listens again on the same port (after stop), like a restarted daemon. */
  start(): Promise<void>;
}

export async function startFakeDaemon(opts: { port?: number } = {}): Promise<FakeDaemon> {
  const sockets = new Set<WebSocket>();
  let app: FastifyInstance | null = null;
  const d: FakeDaemon = {
    url: '',
    port: opts.port ?? 0,
    health: baseHealth(),
    recent: [],
    registrations: [],
    testTickets: 0,
    push(m) {
      if (m.type === 'verdict') d.recent.unshift(m);
      if (m.type === 'health') d.health = m.health;
      if (m.type === 'device') d.health = { ...d.health, devices: [...d.health.devices.filter((x) => x.id !== m.device.id), m.device] };
      const s = JSON.stringify(m);
      for (const ws of sockets) ws.send(s);
    },
    clients: () => sockets.size,
    async waitForClients(n, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      while (sockets.size < n) {
        if (Date.now() > end) throw new Error(`no ${n} kiosk connection(s) within ${timeoutMs} ms (have ${sockets.size})`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      for (const ws of sockets) ws.terminate();
      sockets.clear();
      await app?.close();
      app = null;
    },
    async start() {
      const a = Fastify();
      await a.register(fastifyWebsocket);
      await a.register(fastifyStatic, { root: DIST });
      a.get('/api/health', async () => d.health);
      a.get('/api/events', { websocket: true }, (ws) => {
        sockets.add(ws);
        ws.on('close', () => sockets.delete(ws));
        ws.send(JSON.stringify({ type: 'health', health: d.health } satisfies EventMessage));
      });
      kioskRoutes(a, {
        health: () => d.health,
        recent: () => d.recent,
        staffPin: STAFF_PIN,
        printTestTicket: async () => {
          d.testTickets++;
          return { ok: true, detail: 'printed' };
        },
        register: async (req) => {
          d.registrations.push(req);
          return { ok: true, detail: 'recorded' };
        },
        feeds: () => [{ name: 'trust-list', version: d.health.trust.sequence, updated_at: (d.health.trust.issued_at ?? 0) * 1000 }],
      });
      await a.listen({ host: '127.0.0.1', port: d.port });
      const addr = a.server.address();
      if (addr && typeof addr === 'object') d.port = addr.port;
      d.url = `http://127.0.0.1:${d.port}/`;
      app = a;
    },
  };
  await d.start();
  return d;
}
