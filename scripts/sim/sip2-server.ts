// A small library system (ILS) speaking SIP2 on loopback TCP, for the tests and the demo: login
// (93/94), SC status (99/98), patron status (23/24), patron information (63/64: fees owed, items on
// loan), checkout (11/12), renew (29/30), checkin (09/10), with error
// detection (AY sequence, AZ checksum) checked on every request and written on every reply. Its
// framing and checksum are written here from the protocol, not imported from the terminal's
// client, so a mistake in one does not hide in both. Faults on demand: silence, garbage, a wrong
// checksum, a reply with no line end, a refused login.
import { createServer, type Server, type Socket } from 'node:net';

export interface SimItem {
  title: string;
  /** Patron holding it, or null when on the shelf. */
  out: string | null;
  /** Not for loan (reference copies): a checkout is refused. */
  reference?: boolean;
  /** Another reader is waiting for it: a renewal is refused. */
  onHold?: boolean;
}

export type Sip2Fault = 'none' | 'silent' | 'garbage' | 'bad-checksum' | 'no-line-end' | 'wrong-sequence';

/** One request as the server read it. */
export interface Sip2Seen {
  code: string;
  fixed: string;
  fields: Record<string, string>;
  seq: string;
}

export interface Sip2ServerOptions {
  port?: number;
  institution?: string;
  /** Login users and their passwords. */
  users?: Record<string, string>;
  /** Patron identifiers the ILS knows; `blocked` ones have charge privileges denied; `fees` is what they owe (`12.50`, CNY). */
  patrons?: Record<string, { blocked?: boolean; fees?: string }>;
  items?: Record<string, SimItem>;
  /** Loan period, days (广州通借通还: 31). */
  loanDays?: number;
  /** The ILS's clock, unix seconds (due dates are counted from it). */
  now?: () => number;
}

function checksum(text: string): string {
  let sum = 0;
  for (const b of Buffer.from(text, 'utf8')) sum += b;
  return (0x10000 - (sum & 0xffff)).toString(16).toUpperCase().slice(-4).padStart(4, '0');
}

function date(unixS: number): string {
  const iso = new Date((unixS + 8 * 3600) * 1000).toISOString(); // China time
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}    ${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

const FIXED_IN: Record<string, number> = { '93': 2, '99': 8, '23': 21, '63': 31, '11': 38, '29': 38, '09': 37 };

export class Sip2Server {
  readonly seen: Sip2Seen[] = [];
  readonly items: Record<string, SimItem>;
  fault: Sip2Fault = 'none';
  /** Every connection accepted, open or closed. */
  connections = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly o: Required<Omit<Sip2ServerOptions, 'port' | 'items'>>;

  constructor(private readonly opts: Sip2ServerOptions = {}) {
    this.items = opts.items ?? {};
    this.o = {
      institution: opts.institution ?? 'GZLIB',
      users: opts.users ?? { kiosk: 'kiosk-pass' },
      patrons: opts.patrons ?? {},
      loanDays: opts.loanDays ?? 31,
      now: opts.now ?? (() => Math.floor(Date.now() / 1000)),
    };
  }

  get port(): number {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : 0;
  }

  async listen(): Promise<this> {
    this.server = createServer((s) => this.accept(s));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  /** The requests of one message code, in order. */
  requests(code: string): Sip2Seen[] {
    return this.seen.filter((m) => m.code === code);
  }

  private accept(socket: Socket): void {
    this.connections++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buf = '';
    let loggedIn = false;
    socket.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      if (buf.length > 8192) return socket.destroy();
      let end: number;
      while ((end = buf.indexOf('\r')) >= 0) {
        const line = buf.slice(0, end).replace(/^\n/, '');
        buf = buf.slice(end + 1);
        const m = /^(.*AY(\d)AZ)([0-9A-F]{4})$/.exec(line);
        if (!m || checksum(m[1]!) !== m[3]) {
          socket.write('96\r'); // SIP2's "send that again": the request did not check
          continue;
        }
        const code = line.slice(0, 2);
        const body = line.slice(2, line.length - 9);
        const n = FIXED_IN[code] ?? 0;
        const fields: Record<string, string> = {};
        for (const part of body.slice(n).split('|')) if (part.length >= 2) fields[part.slice(0, 2)] ??= part.slice(2);
        const seen = { code, fixed: body.slice(0, n), fields, seq: m[2]! };
        this.seen.push(seen);
        if (code !== '93' && code !== '99' && !loggedIn) return socket.destroy();
        const answer = this.answer(seen);
        if (code === '93') loggedIn = answer.startsWith('941');
        this.send(socket, answer, seen.seq);
      }
    });
  }

  private send(socket: Socket, body: string, seq: string): void {
    const fault = this.fault;
    if (fault === 'silent') return;
    if (fault === 'garbage') return void socket.write('HELLO FROM NOT AN ILS\r');
    if (fault === 'no-line-end') return void socket.write('12'.padEnd(6000, 'X'));
    const s = fault === 'wrong-sequence' ? String((Number(seq) + 1) % 10) : seq;
    const head = `${body}AY${s}AZ`;
    const sum = fault === 'bad-checksum' ? (checksum(head) === '0000' ? '0001' : '0000') : checksum(head);
    socket.write(`${head}${sum}\r`);
  }

  private answer(m: Sip2Seen): string {
    const now = this.o.now();
    const f = m.fields;
    const inst = `AO${this.o.institution}|`;
    switch (m.code) {
      case '93': {
        const ok = this.o.users[f.CN ?? ''] !== undefined && this.o.users[f.CN ?? ''] === f.CO;
        return `94${ok ? 1 : 0}`;
      }
      case '99':
        // online, checkin, checkout, renewal policy, status update, offline ok; timeout 030, retries 003
        return `98YYYYNY030003${date(now)}2.00${inst}AMYSS demo library|BNYYYYYYYYYYYYYYYY|`;
      case '23': {
        const p = this.o.patrons[f.AA ?? ''];
        const flags = (p?.blocked ? 'Y' : ' ').padEnd(14, ' ');
        return `24${flags}001${date(now)}${inst}AA${f.AA ?? ''}|AE|BL${p ? 'Y' : 'N'}|${p ? '' : 'AFPatron not found|'}`;
      }
      case '63': {
        const p = this.o.patrons[f.AA ?? ''];
        const flags = (p?.blocked ? 'Y' : ' ').padEnd(14, ' ');
        const out = Object.entries(this.items).filter(([, it]) => p && it.out === f.AA).map(([id]) => id);
        const count = (n: number) => String(n).padStart(4, '0');
        // The summary's third position asks for the charged items' identifiers (AU), one field each.
        const list = m.fixed[23] === 'Y' ? out.map((id) => `AU${id}|`).join('') : '';
        const fees = p?.fees ? `BHCNY|BV${p.fees}|CC50.00|` : '';
        return `64${flags}001${date(now)}${count(0)}${count(0)}${count(out.length)}${count(0)}${count(0)}${count(0)}${inst}AA${f.AA ?? ''}|AE|BL${p ? 'Y' : 'N'}|${fees}${list}${p ? '' : 'AFPatron not found|'}`;
      }
      case '29': {
        const item = this.items[f.AB ?? ''];
        const patron = this.o.patrons[f.AA ?? ''];
        let why: string | null = null;
        if (!patron) why = 'Patron not found';
        else if (patron.blocked) why = 'Patron blocked';
        else if (!item || item.out !== f.AA) why = 'Item not checked out to this patron';
        else if (item.onHold) why = 'Reserved by another reader';
        const head = `30${why ? 0 : 1}${why ? 'N' : 'Y'}NN${date(now)}${inst}AA${f.AA ?? ''}|AB${f.AB ?? ''}|AJ${item?.title ?? ''}|`;
        if (why) return `${head}AH|AF${why}|`;
        return `${head}AH${date(now + this.o.loanDays * 86_400).slice(0, 8)}|AFRenewed|`;
      }
      case '11': {
        const item = this.items[f.AB ?? ''];
        const patron = this.o.patrons[f.AA ?? ''];
        const noBlock = m.fixed[1] === 'Y';
        let why: string | null = null;
        if (!patron) why = 'Patron not found';
        else if (patron.blocked && !noBlock) why = 'Patron blocked';
        else if (!item) why = 'Item not found';
        else if (item.reference) why = 'Not for loan';
        else if (item.out && item.out !== f.AA) why = 'Item checked out to another patron';
        const head = `12${why ? 0 : 1}NNY${date(now)}${inst}AA${f.AA ?? ''}|AB${f.AB ?? ''}|AJ${item?.title ?? ''}|`;
        if (why) return `${head}AH|AF${why}|`;
        item!.out = f.AA!;
        return `${head}AH${date(now + this.o.loanDays * 86_400).slice(0, 8)}|AFThank you|`;
      }
      case '09': {
        const item = this.items[f.AB ?? ''];
        if (!item) return `100NNY${date(now)}${inst}AB${f.AB ?? ''}|AQ|AFItem not found|`;
        item.out = null;
        return `101YNN${date(now)}${inst}AB${f.AB}|AQmain|AJ${item.title}|AFReturned|`;
      }
      default:
        return '96';
    }
  }
}
