// A TCP proxy on loopback that damages the traffic between terminal and service on purpose:
// drops connections, resets them mid-body, delays chunks, answers 500 itself, swallows requests
// until the client times out, or lets a request through and loses the reply (the service stored
// it; the terminal never hears so). Faults are drawn per chunk from the client, so a large
// upload can be cut anywhere in its body.
import net from 'node:net';

export const FAULTS = ['drop', 'reset_mid_body', 'http500', 'timeout', 'delay', 'lose_reply'] as const;
export type Fault = (typeof FAULTS)[number];

export interface FaultProxyOptions {
  /** Upstream host:port; may be set later with `target`. */
  target?: { host: string; port: number };
  /** Probability of each fault per client chunk; the rest passes. */
  rates?: Partial<Record<Fault, number>>;
  /** Sees every byte a client sends, per connection (for capturing requests). */
  tap?: (connection: number, chunk: Buffer) => void;
  random?: () => number;
  /** Faults that happen whatever the dice say, by the number of the draw (1 is the first client
   * chunk): a proof that asserts a fault happened cannot then fail on an unlucky run. */
  script?: Record<number, Fault>;
}

export class FaultProxy {
  private server = net.createServer((c) => this.handle(c));
  private readonly sockets = new Set<net.Socket>();
  private connections = 0;
  target: { host: string; port: number } | null;
  rates: Partial<Record<Fault, number>>;
  /** When true, new connections are refused (closed at once), as if the service were down. */
  down = false;
  readonly counts: Record<Fault | 'pass', number> = { drop: 0, reset_mid_body: 0, http500: 0, timeout: 0, delay: 0, lose_reply: 0, pass: 0 };
  private readonly random: () => number;
  private draws = 0;

  constructor(private readonly opts: FaultProxyOptions = {}) {
    this.target = opts.target ?? null;
    this.rates = opts.rates ?? {};
    this.random = opts.random ?? Math.random;
  }

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const a = this.server.address() as net.AddressInfo;
    return `http://127.0.0.1:${a.port}/`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private draw(): Fault | 'pass' {
    const scripted = this.opts.script?.[++this.draws];
    if (scripted && (this.rates[scripted] ?? 0) > 0) return scripted;
    let x = this.random();
    for (const f of FAULTS) {
      const p = this.rates[f] ?? 0;
      if (x < p) return f;
      x -= p;
    }
    return 'pass';
  }

  private handle(client: net.Socket): void {
    const id = ++this.connections;
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => undefined);
    if (this.down || !this.target) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.target.port, this.target.host);
    this.sockets.add(upstream);
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    let loseNextReply = false;
    let blackhole = false;
    // Chunks go upstream in order, each after its own delay, never overtaking one another.
    let order = Promise.resolve();
    upstream.on('data', (d: Buffer) => {
      if (loseNextReply) {
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      client.write(d);
    });
    client.on('data', (chunk: Buffer) => {
      this.opts.tap?.(id, chunk);
      if (blackhole) return;
      const fault = this.draw();
      this.counts[fault]++;
      switch (fault) {
        case 'drop':
          client.destroy();
          upstream.destroy();
          return;
        case 'reset_mid_body':
          order = order.then(() => {
            upstream.write(chunk.subarray(0, Math.floor(chunk.length / 2)));
            client.resetAndDestroy();
            upstream.resetAndDestroy();
          });
          return;
        case 'http500':
          client.end('HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 6\r\nConnection: close\r\n\r\nfault\n');
          upstream.destroy();
          return;
        case 'timeout':
          blackhole = true;
          setTimeout(() => client.destroy(), 30_000).unref();
          return;
        case 'delay': {
          const ms = 20 + Math.floor(this.random() * 250);
          order = order.then(() => new Promise((r) => setTimeout(r, ms))).then(() => void upstream.write(chunk));
          return;
        }
        case 'lose_reply':
          loseNextReply = true;
          order = order.then(() => void upstream.write(chunk));
          return;
        default:
          order = order.then(() => void upstream.write(chunk));
      }
    });
  }
}
