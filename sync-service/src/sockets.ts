// Socket-level limits the HTTP layer does not have: a cap on open sockets, in all and per
// address. A socket past a cap is answered a complete 503 (the same JSON error shape as every
// reply) and closed, before any of its bytes are parsed: a slow or idle crowd cannot hold the
// sockets real terminals need. The timeouts that close slow requests are node's (app.ts); a
// socket that never sends a byte is closed here after headers_timeout_ms, because node's header
// timeout starts only with a request's first byte (and with connectionsCheckingInterval set,
// node 20's idle socket timeout does not fire either).
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { errors } from './errors.ts';

export interface SocketLimits {
  max_connections: number;
  max_connections_per_address: number;
  headers_timeout_ms: number;
}

function refusal(reason: string): Buffer {
  const body = JSON.stringify({ error: 'YSS_SYNC_OVERLOADED', message: errors.YSS_SYNC_OVERLOADED.message.replace('%s', reason).replace('%s', '5') });
  return Buffer.from(
    `HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json; charset=utf-8\r\nretry-after: 5\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export interface SocketGuard {
  open(): number;
  /** Sockets refused since the last call, by reason (for the refusal summary). */
  takeRefused(): Record<string, number>;
}

export function guardSockets(server: Server, limits: SocketLimits): SocketGuard {
  let open = 0;
  const perAddress = new Map<string, number>();
  let refused: Record<string, number> = {};
  const tooMany = refusal('too many connections');
  const tooManyFromAddress = refusal('too many connections from this address');
  // Runs before node's HTTP connection handler, so a refused socket is never parsed.
  server.prependListener('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const mine = perAddress.get(address) ?? 0;
    const reason = open >= limits.max_connections ? 'connections' : mine >= limits.max_connections_per_address ? 'connections_per_address' : null;
    if (reason) {
      refused[reason] = (refused[reason] ?? 0) + 1;
      socket.on('error', () => {});
      socket.pause();
      socket.end(reason === 'connections' ? tooMany : tooManyFromAddress);
      // Whatever the client does, the socket is gone soon.
      socket.setTimeout(1000, () => socket.destroy());
      return;
    }
    open++;
    perAddress.set(address, mine + 1);
    // Node's parser reads the handle directly (no 'data' events): bytesRead says whether anything came.
    const silent = setTimeout(() => socket.bytesRead === 0 && socket.destroy(), limits.headers_timeout_ms).unref();
    socket.once('close', () => {
      clearTimeout(silent);
      open--;
      const n = (perAddress.get(address) ?? 1) - 1;
      if (n <= 0) perAddress.delete(address);
      else perAddress.set(address, n);
    });
  });
  return {
    open: () => open,
    takeRefused() {
      const r = refused;
      refused = {};
      return r;
    },
  };
}
