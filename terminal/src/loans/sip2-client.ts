// A SIP2 client over one TCP connection to the library's ILS: connects on first use, logs in (93/94)
// and asks the ACS status (99/98), then sends one request at a time and waits for its reply.
// Every wait is bounded (connect, each reply) and every reply line is bounded in length; any
// failure closes the connection, so the next request starts clean, and is answered as a Sip2Error
// in words, never a hang.
import { Socket } from 'node:net';
import { reply, request, SIP2_MAX_LINE, sip2Frame, type AcsStatus, type CheckinReply, type CheckoutReply, type Parsed, type PatronInformation, type PatronStatus, type RenewReply } from './sip2.ts';

export interface Sip2ClientOptions {
  host: string;
  port: number;
  institution: string;
  user: string;
  password: string;
  /** CP of the login and AP of a checkin. */
  location: string;
  terminalPassword?: string;
  /** Longest wait for a connection or a reply, ms. */
  timeoutMs: number;
}

/** `unreachable`: no connection or no reply in time; `protocol`: a reply that breaks SIP2; `login`: the ILS refused our login. */
export class Sip2Error extends Error {
  constructor(
    readonly kind: 'unreachable' | 'protocol' | 'login',
    message: string,
  ) {
    super(message);
    this.name = 'Sip2Error';
  }
}

export class Sip2Client {
  private socket: Socket | null = null;
  private ready: Promise<AcsStatus> | null = null;
  private seq = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private buffer = '';
  private waiter: { resolve(line: string): void; reject(e: Error): void } | null = null;

  constructor(private readonly o: Sip2ClientOptions) {}

  /** What the ACS said of itself at the last login (99/98), or null before one. */
  status: AcsStatus | null = null;

  patronStatus(patron: string, at: number): Promise<PatronStatus> {
    return this.run((s) => this.exchange(request.patronStatus({ ...this.base(at), patron }), reply.patronStatus, s));
  }

  /** Patron information (63/64): what the patron owes and has on loan. */
  patronInformation(patron: string, at: number): Promise<PatronInformation> {
    return this.run((s) => this.exchange(request.patronInformation({ ...this.base(at), patron }), reply.patronInformation, s));
  }

  /** Renew (29/30) one item the patron has. */
  renew(patron: string, item: string, at: number): Promise<RenewReply> {
    return this.run((s) => this.exchange(request.renew({ ...this.base(at), patron, item }), reply.renew, s));
  }

  checkout(patron: string, item: string, at: number, noBlock: boolean): Promise<CheckoutReply> {
    return this.run((s) => this.exchange(request.checkout({ ...this.base(at), patron, item, noBlock }), reply.checkout, s));
  }

  checkin(item: string, at: number, noBlock: boolean): Promise<CheckinReply> {
    return this.run((s) => this.exchange(request.checkin({ ...this.base(at), item, location: this.o.location, noBlock }), reply.checkin, s));
  }

  close(): void {
    this.drop(new Sip2Error('unreachable', 'the SIP2 client was closed'));
  }

  private base(at: number) {
    return { institution: this.o.institution, at, ...(this.o.terminalPassword !== undefined ? { terminalPassword: this.o.terminalPassword } : {}) };
  }

  /** One request at a time: SIP2 has no request ids, only the sequence digit. */
  private run<T>(f: (socket: Socket) => Promise<T>): Promise<T> {
    const next = this.chain.then(async () => f(await this.connected()));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private connected(): Promise<Socket> {
    this.ready ??= this.open().catch((e: unknown) => {
      this.drop(e instanceof Error ? e : new Error(String(e)));
      throw e;
    });
    return this.ready.then(() => {
      if (!this.socket) throw new Sip2Error('unreachable', `ILS ${this.o.host}:${this.o.port} closed the connection`);
      return this.socket;
    });
  }

  private async open(): Promise<AcsStatus> {
    const where = `${this.o.host}:${this.o.port}`;
    const socket = new Socket();
    this.socket = socket;
    this.buffer = '';
    socket.setNoDelay(true);
    // Events of a connection already given up must not touch the next one.
    const mine = (f: () => void) => () => this.socket === socket && f();
    socket.on('data', (chunk: Buffer) => mine(() => this.onData(chunk))());
    socket.on('error', (e) => mine(() => this.drop(new Sip2Error('unreachable', `ILS ${where}: ${e.message}`)))());
    socket.on('close', mine(() => this.drop(new Sip2Error('unreachable', `ILS ${where} closed the connection`))));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Sip2Error('unreachable', `ILS ${where}: no connection within ${this.o.timeoutMs} ms`)), this.o.timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(new Sip2Error('unreachable', `ILS ${where}: ${e.message}`));
      });
      socket.connect(this.o.port, this.o.host);
    });
    const login = await this.exchange(request.login({ user: this.o.user, password: this.o.password, location: this.o.location }), reply.login, socket);
    if (!login.ok) throw new Sip2Error('login', `ILS ${where} refused the login of user ${JSON.stringify(this.o.user)} (94 ok=0): check ils.user and ils.password in the venue file`);
    this.status = await this.exchange(request.scStatus(), reply.acsStatus, socket);
    return this.status;
  }

  private async exchange<T>(body: string, parse: (line: string, seq: number) => Parsed<T>, socket: Socket): Promise<T> {
    const seq = this.seq++ % 10;
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        const e = new Sip2Error('unreachable', `ILS ${this.o.host}:${this.o.port}: no reply to a ${body.slice(0, 2)} within ${this.o.timeoutMs} ms`);
        reject(e);
        this.drop(e);
      }, this.o.timeoutMs);
      this.waiter = {
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      socket.write(sip2Frame(body, seq), 'utf8');
    });
    const r = parse(line, seq);
    if (!r.ok) {
      const e = new Sip2Error('protocol', `ILS ${this.o.host}:${this.o.port}: ${r.error}`);
      this.drop(e);
      throw e;
    }
    return r.value;
  }

  private onData(chunk: Buffer): void {
    this.buffer += chunk.toString('utf8');
    for (;;) {
      const end = this.buffer.search(/\r\n?|\n/);
      if (end < 0) break;
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + (this.buffer[end] === '\r' && this.buffer[end + 1] === '\n' ? 2 : 1));
      const w = this.waiter;
      this.waiter = null;
      // A line nobody asked for breaks the request/reply pairing: the connection is not to be trusted.
      if (!w) return this.drop(new Sip2Error('protocol', `ILS ${this.o.host}:${this.o.port} sent a line nobody asked for: ${JSON.stringify(line.slice(0, 80))}`));
      w.resolve(line);
    }
    if (Buffer.byteLength(this.buffer, 'utf8') > SIP2_MAX_LINE) {
      this.drop(new Sip2Error('protocol', `ILS ${this.o.host}:${this.o.port}: a reply longer than ${SIP2_MAX_LINE} bytes without a line end`));
    }
  }

  private drop(e: Error): void {
    const w = this.waiter;
    this.waiter = null;
    w?.reject(e);
    const s = this.socket;
    this.socket = null;
    this.ready = null;
    this.buffer = '';
    if (s && !s.destroyed) s.destroy();
  }
}
