// SIP2 (3M Standard Interchange Protocol v2) messages, as a client sends and reads them: a message
// is text ending in CR (ASCII, or UTF-8 where the ILS is set so: the checksum counts bytes), a two-digit code, fixed-length fields, then variable fields
// `XXvalue|`; with error detection on, `AY<n>AZ<4 hex>` closes it: AY a sequence digit the reply
// echoes, AZ the 16-bit two's complement of the sum of every byte before it. The parser never
// throws on a reply: it answers a problem in words (name the field, the value, what was expected).
import { localIso } from '../scenarios/index.ts';

/** Longest reply line taken from an ILS, bytes; a longer one is an error, not a buffer that grows. */
export const SIP2_MAX_LINE = 4096;

/** The checksum of `text` (everything up to and including `AZ`): four upper-case hex digits. */
export function sip2Checksum(text: string): string {
  let sum = 0;
  for (const b of Buffer.from(text, 'utf8')) sum = (sum + b) & 0xffff;
  return ((-sum) & 0xffff).toString(16).toUpperCase().padStart(4, '0');
}

/** `body` with the sequence number and checksum appended, CR-terminated. */
export function sip2Frame(body: string, seq: number): string {
  const head = `${body}AY${seq % 10}AZ`;
  return `${head}${sip2Checksum(head)}\r`;
}

/** `YYYYMMDD    HHMMSS` at the venue (scenarios/venue-time.ts), as its clocks read; SIP2's 18-character date. */
export function sip2Date(unixS: number): string {
  const t = localIso(unixS);
  return `${t.slice(0, 4)}${t.slice(5, 7)}${t.slice(8, 10)}    ${t.slice(11, 13)}${t.slice(14, 16)}${t.slice(17, 19)}`;
}

/** A variable field's value may hold neither the field separator nor a line end. */
export function sip2Field(id: string, value: string): string {
  if (/[|\r\n]/.test(value)) throw new Error(`SIP2 field ${id} cannot hold "|" or a line end: ${JSON.stringify(value)}`);
  return `${id}${value}|`;
}

export interface LoginRequest {
  user: string;
  password: string;
  location?: string;
}
export interface TransactionBase {
  institution: string;
  /** Unix seconds of the transaction (a queued one keeps its own). */
  at: number;
  terminalPassword?: string;
}

export const request = {
  login: (r: LoginRequest) => `9300${sip2Field('CN', r.user)}${sip2Field('CO', r.password)}${r.location ? sip2Field('CP', r.location) : ''}`,
  /** SC status: ok, print width 80, protocol 2.00. */
  scStatus: () => '9900802.00',
  patronStatus: (r: TransactionBase & { patron: string }) =>
    `23001${sip2Date(r.at)}${sip2Field('AO', r.institution)}${sip2Field('AA', r.patron)}${sip2Field('AC', r.terminalPassword ?? '')}${sip2Field('AD', '')}`,
  /** `noBlock`: the loan already happened offline and the ILS must record it (store and forward). */
  checkout: (r: TransactionBase & { patron: string; item: string; noBlock: boolean }) =>
    `11N${r.noBlock ? 'Y' : 'N'}${sip2Date(r.at)}${' '.repeat(18)}${sip2Field('AO', r.institution)}${sip2Field('AA', r.patron)}${sip2Field('AB', r.item)}${sip2Field('AC', r.terminalPassword ?? '')}`,
  /** Patron information with the charged (on loan) items listed: the summary's third position (charged items) is `Y`; items 1-50. */
  patronInformation: (r: TransactionBase & { patron: string }) =>
    `63001${sip2Date(r.at)}${'  Y       '}${sip2Field('AO', r.institution)}${sip2Field('AA', r.patron)}${sip2Field('AC', r.terminalPassword ?? '')}${sip2Field('AD', '')}${sip2Field('BP', '1')}${sip2Field('BQ', '50')}`,
  /** Renew one item the patron has; no third party, blocks apply, no due date asked for. */
  renew: (r: TransactionBase & { patron: string; item: string }) =>
    `29NN${sip2Date(r.at)}${' '.repeat(18)}${sip2Field('AO', r.institution)}${sip2Field('AA', r.patron)}${sip2Field('AB', r.item)}${sip2Field('AC', r.terminalPassword ?? '')}`,
  checkin: (r: TransactionBase & { item: string; location: string; noBlock: boolean }) =>
    `09${r.noBlock ? 'Y' : 'N'}${sip2Date(r.at)}${sip2Date(r.at)}${sip2Field('AP', r.location)}${sip2Field('AO', r.institution)}${sip2Field('AB', r.item)}${sip2Field('AC', r.terminalPassword ?? '')}`,
};

/** A reply taken apart: its code, the fixed part, and the variable fields (first of each id). */
export interface Sip2Reply {
  code: string;
  fixed: string;
  fields: Record<string, string>;
  /** Every value of each id, in order: the fields a reply may repeat (AU, the charged items). */
  all: Record<string, string[]>;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Fixed-part lengths after the two-digit code, for the replies this client reads. */
const FIXED: Record<string, number> = { '94': 1, '98': 34, '24': 35, '12': 22, '10': 22, '64': 59, '30': 22 };

/**
 * Takes a reply line (without its CR) apart, checking what error detection promises: the code is
 * the one expected, the fixed part is whole, AY echoes `seq`, AZ matches the bytes.
 */
export function parseReply(line: string, expect: string, seq: number): Parsed<Sip2Reply> {
  // An error names the reply, but never the patron's name (AE) the ILS may have put in it: errors are logged.
  const safe = line.replace(/\|AE[^|]*/g, '|AE…');
  const shown = safe.length > 80 ? `${JSON.stringify(safe.slice(0, 80))}…` : JSON.stringify(safe);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[\x00-\x1f\x7f\ufffd]/.test(line)) return { ok: false, error: `reply ${shown} holds a control character or bytes that are not UTF-8` };
  const code = line.slice(0, 2);
  if (code === '96') return { ok: false, error: 'the ILS asked for the message again (96): it did not read ours' };
  if (code !== expect) return { ok: false, error: `expected a ${expect} reply, got ${shown}` };
  const tail = /AY(\d)AZ([0-9A-Fa-f]{4})$/.exec(line);
  if (!tail) return { ok: false, error: `reply ${shown} does not end in AY<digit>AZ<4 hex digits>` };
  const want = sip2Checksum(line.slice(0, line.length - 4));
  if (tail[2]!.toUpperCase() !== want) return { ok: false, error: `reply ${shown}: checksum AZ${tail[2]} does not match its bytes (AZ${want})` };
  if (Number(tail[1]) !== seq % 10) return { ok: false, error: `reply ${shown} answers sequence ${tail[1]}, not ${seq % 10}` };
  const n = FIXED[code] ?? 0;
  const body = line.slice(2, tail.index);
  if (body.length < n) return { ok: false, error: `reply ${shown}: the fixed part of a ${code} is ${n} characters, got ${body.length}` };
  const fields: Record<string, string> = {};
  const all: Record<string, string[]> = {};
  for (const part of body.slice(n).split('|')) {
    if (part === '') continue;
    if (part.length < 2) return { ok: false, error: `reply ${shown}: field ${JSON.stringify(part)} has no two-letter id` };
    const id = part.slice(0, 2);
    if (!(id in fields)) fields[id] = part.slice(2);
    (all[id] ??= []).push(part.slice(2));
  }
  return { ok: true, value: { code, fixed: body.slice(0, n), fields, all } };
}

const yn = (c: string | undefined) => c === 'Y';

export interface LoginReply {
  ok: boolean;
}
export interface AcsStatus {
  online: boolean;
  checkinOk: boolean;
  checkoutOk: boolean;
  offlineOk: boolean;
  institution: string | null;
}
export interface PatronStatus {
  /** The ILS knows the patron (BL). */
  valid: boolean;
  /** Charge privileges denied (the first patron status flag). */
  blocked: boolean;
  screenMessage: string | null;
}
export interface CheckoutReply {
  ok: boolean;
  title: string | null;
  /** As the ILS wrote it (AH); SIP2 leaves its format to the ILS. */
  due: string | null;
  screenMessage: string | null;
}
export interface CheckinReply {
  ok: boolean;
  title: string | null;
  alert: boolean;
  screenMessage: string | null;
}

export interface PatronInformation {
  /** The ILS knows the patron (BL). */
  valid: boolean;
  /** Charge privileges denied (patron status flag 1): no checkout. */
  blocked: boolean;
  /** Renewal privileges denied (flag 2). */
  renewalsDenied: boolean;
  /** Items the patron has on loan (the count in the fixed part). */
  charged: number;
  overdue: number;
  /** The charged items' identifiers the ILS listed (AU), at most 50. */
  items: string[];
  /** What the patron owes, as the ILS wrote it (BV, e.g. `12.50`); null when it said nothing. */
  feeAmount: string | null;
  /** ISO 4217 currency (BH), e.g. `CNY`; null when not given. */
  currency: string | null;
  /** The amount past which the ILS blocks the patron (CC); null when not given. */
  feeLimit: string | null;
  screenMessage: string | null;
}
export interface RenewReply {
  ok: boolean;
  title: string | null;
  /** The new due date as the ILS wrote it (AH). */
  due: string | null;
  screenMessage: string | null;
}

/** A SIP2 money amount: digits with at most one decimal point (BV, CC). */
const AMOUNT = /^\d{1,9}(?:\.\d{1,4})?$/;

function flag(fixed: string, at: number, name: string, allowed: string): Parsed<string> {
  const c = fixed[at] ?? '';
  return allowed.includes(c) && c !== '' ? { ok: true, value: c } : { ok: false, error: `${name} is ${JSON.stringify(c)}, expected one of ${[...allowed].join(' ')}` };
}

function read<T>(r: Parsed<Sip2Reply>, make: (reply: Sip2Reply) => Parsed<T>): Parsed<T> {
  return r.ok ? make(r.value) : r;
}

export const reply = {
  login: (line: string, seq: number): Parsed<LoginReply> =>
    read(parseReply(line, '94', seq), (r) => {
      const ok = flag(r.fixed, 0, 'login ok', '01');
      return ok.ok ? { ok: true, value: { ok: ok.value === '1' } } : { ok: false, error: `94 reply: ${ok.error}` };
    }),
  acsStatus: (line: string, seq: number): Parsed<AcsStatus> =>
    read(parseReply(line, '98', seq), (r) => {
      for (let i = 0; i < 6; i++) {
        const f = flag(r.fixed, i, `ACS status flag ${i + 1}`, 'YN');
        if (!f.ok) return { ok: false, error: `98 reply: ${f.error}` };
      }
      return { ok: true, value: { online: yn(r.fixed[0]), checkinOk: yn(r.fixed[1]), checkoutOk: yn(r.fixed[2]), offlineOk: yn(r.fixed[5]), institution: r.fields.AO ?? null } };
    }),
  patronStatus: (line: string, seq: number): Parsed<PatronStatus> =>
    read(parseReply(line, '24', seq), (r) => {
      if (!('BL' in r.fields)) return { ok: true, value: { valid: false, blocked: r.fixed[0] === 'Y', screenMessage: r.fields.AF ?? null } };
      const bl = r.fields.BL;
      if (bl !== 'Y' && bl !== 'N') return { ok: false, error: `24 reply: valid patron (BL) is ${JSON.stringify(bl)}, expected Y or N` };
      return { ok: true, value: { valid: bl === 'Y', blocked: r.fixed[0] === 'Y', screenMessage: r.fields.AF ?? null } };
    }),
  checkout: (line: string, seq: number): Parsed<CheckoutReply> =>
    read(parseReply(line, '12', seq), (r) => {
      const ok = flag(r.fixed, 0, 'checkout ok', '01');
      if (!ok.ok) return { ok: false, error: `12 reply: ${ok.error}` };
      return { ok: true, value: { ok: ok.value === '1', title: r.fields.AJ ?? null, due: r.fields.AH ?? null, screenMessage: r.fields.AF ?? null } };
    }),
  patronInformation: (line: string, seq: number): Parsed<PatronInformation> =>
    read(parseReply(line, '64', seq), (r) => {
      const counts: number[] = [];
      for (const [i, name] of ['hold items', 'overdue items', 'charged items', 'fine items', 'recall items', 'unavailable holds'].entries()) {
        const text = r.fixed.slice(35 + i * 4, 39 + i * 4);
        // An ILS may leave a count it does not keep blank.
        if (!/^(?:\d{4}| {4})$/.test(text)) return { ok: false, error: `64 reply: ${name} count is ${JSON.stringify(text)}, expected 4 digits` };
        counts.push(text.trim() === '' ? 0 : Number(text));
      }
      const bl = r.fields.BL;
      if (bl !== undefined && bl !== 'Y' && bl !== 'N') return { ok: false, error: `64 reply: valid patron (BL) is ${JSON.stringify(bl)}, expected Y or N` };
      for (const id of ['BV', 'CC'] as const) {
        const v = r.fields[id];
        if (v !== undefined && v !== '' && !AMOUNT.test(v)) return { ok: false, error: `64 reply: ${id === 'BV' ? 'fee amount (BV)' : 'fee limit (CC)'} is ${JSON.stringify(v.slice(0, 20))}, expected an amount like 12.50` };
      }
      const bh = r.fields.BH;
      if (bh !== undefined && bh !== '' && !/^[A-Z]{3}$/.test(bh)) return { ok: false, error: `64 reply: currency (BH) is ${JSON.stringify(bh.slice(0, 20))}, expected 3 capital letters` };
      return {
        ok: true,
        value: {
          valid: bl === 'Y',
          blocked: r.fixed[0] === 'Y',
          renewalsDenied: r.fixed[1] === 'Y',
          overdue: counts[1]!,
          charged: counts[2]!,
          items: (r.all.AU ?? []).filter((i) => i !== '').slice(0, 50),
          feeAmount: r.fields.BV || null,
          currency: bh || null,
          feeLimit: r.fields.CC || null,
          screenMessage: r.fields.AF ?? null,
        },
      };
    }),
  renew: (line: string, seq: number): Parsed<RenewReply> =>
    read(parseReply(line, '30', seq), (r) => {
      const ok = flag(r.fixed, 0, 'renew ok', '01');
      if (!ok.ok) return { ok: false, error: `30 reply: ${ok.error}` };
      return { ok: true, value: { ok: ok.value === '1', title: r.fields.AJ ?? null, due: r.fields.AH || null, screenMessage: r.fields.AF ?? null } };
    }),
  checkin: (line: string, seq: number): Parsed<CheckinReply> =>
    read(parseReply(line, '10', seq), (r) => {
      const ok = flag(r.fixed, 0, 'checkin ok', '01');
      if (!ok.ok) return { ok: false, error: `10 reply: ${ok.error}` };
      return { ok: true, value: { ok: ok.value === '1', title: r.fields.AJ ?? null, alert: r.fixed[3] === 'Y', screenMessage: r.fields.AF ?? null } };
    }),
};
