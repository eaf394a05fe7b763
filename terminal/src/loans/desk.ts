// A library terminal's readings (venue `loans`, docs/library.md), one at a time in arrival order:
// a line that is no signed code is an item barcode; anything else goes through the pipeline as at
// every venue. At a loan kiosk an accepted holder's code opens a session (after the ILS's patron
// status, when there is an ILS), each item is one `loan` event, and the session closes after
// `session_s` without a reading or at the finish button. At a return terminal each item is a
// `return` event. With an ILS each item is a SIP2 checkout or checkin first, bounded by its
// timeout; when the ILS is away the item is recorded anyway and queued in the same transaction,
// and sent again every `retry_s` with `no block` set.
import type { Logger } from 'pino';
import type { LoanRenewal, LoanSessionMessage, VerdictMessage } from '../api/index.ts';
import { familyOf, verifyCode } from '../codes/index.ts';
import type { DeviceHealth, Reading } from '../devices/index.ts';
import { holderOfCode, holderOfDocument, type Sealer } from '../protocol/index.ts';
import type { Queue } from '../queue/index.ts';
import type { Display, Effect, Reason } from '../scenarios/index.ts';
import type { Clock, TrustStore } from '../trust/index.ts';
import { cardAttributes, VENUE_DEFAULTS, type Venue } from '../venue/index.ts';
import { itemBarcode } from './barcode.ts';
import type { LoanOutbox } from './outbox.ts';
import { Sip2Error, type Sip2Client } from './sip2-client.ts';
import type { PatronInformation, RenewReply } from './sip2.ts';

type Loans = NonNullable<Venue['loans']>;

export interface LoanDeskDeps {
  venue: Readonly<Venue> & { loans: Loans };
  /** The pipeline every other reading takes; `override` refuses an accepted reading for that reason; `show` adds to what the kiosk shows. */
  decide(reading: Reading, device: DeviceHealth, override?: Reason, show?: Partial<Display>): VerdictMessage;
  trust: TrustStore;
  /** The venue salt of the feeds, for a holder read from an ID card; null without one. */
  salt(): string | null;
  /** With `loans.patron_id: feed`: the library's identifier for a holder from the `patrons` feed, or null. */
  patronOf?(holder: string): string | null;
  queue: Queue;
  /** Seals who borrowed to the sync service; null without one (then nobody is recorded). */
  sealer: Sealer | null;
  outbox: LoanOutbox;
  ils: Sip2Client | null;
  clock: Clock;
  skew: number;
  log: Logger;
  publish(m: VerdictMessage | LoanSessionMessage): void;
  afterCommit(m: VerdictMessage, device: DeviceHealth): void;
}

export type RenewOutcome = LoanRenewal;

/** What a reader owes, for the screen: `¥12.50` in yuan (CNY or no currency given), else `12.50 HKD`; null for nothing owed. */
export function owedText(a: Pick<PatronInformation, 'feeAmount' | 'currency'>): string | null {
  if (a.feeAmount === null || Number(a.feeAmount) === 0) return null;
  const amount = Number(a.feeAmount).toFixed(2);
  return a.currency === null || a.currency === 'CNY' ? `¥${amount}` : `${amount} ${a.currency}`;
}

interface Session {
  patron: string;
  opened_seq: number;
  items: string[];
  /** Items the patron already had on loan when the session opened, as the ILS listed them (63/64): what "renew" renews. */
  onLoan: string[];
  /** What the patron owes, as shown (`¥12.50`); null when nothing or unknown. */
  owed: string | null;
  renewalsDenied: boolean;
  offline: boolean;
  timer: ReturnType<typeof setTimeout>;
  closes_at: number;
}

export class LoanDesk {
  private chain: Promise<unknown> = Promise.resolve();
  private session: Session | null = null;
  /** Set by a failed SIP2 exchange, cleared by a successful one: while set, items are queued at once. */
  private ilsAway = false;
  private retry: ReturnType<typeof setInterval> | null = null;
  private readonly rule: Loans;

  constructor(private readonly deps: LoanDeskDeps) {
    this.rule = deps.venue.loans;
  }

  /** Starts the retry loop for queued loans (with an ILS). */
  start(): void {
    if (!this.deps.ils) return;
    const every = (this.rule.ils?.retry_s ?? VENUE_DEFAULTS.ils_retry_s) * 1000;
    this.retry = setInterval(() => void this.serial(() => this.flush()), every);
    void this.serial(() => this.flush());
  }

  async stop(): Promise<void> {
    if (this.retry) clearInterval(this.retry);
    if (this.session) clearTimeout(this.session.timer);
    this.session = null;
    await this.chain.catch(() => undefined);
    this.deps.ils?.close();
  }

  /** Every reading of the venue comes here; answers in arrival order. */
  handle(reading: Reading, device: DeviceHealth): Promise<VerdictMessage> {
    return this.serial(() => (reading.kind === 'code' && familyOf(reading.text) === null ? this.item(reading.text, device) : this.holder(reading, device)));
  }

  /** The kiosk's finish button: closes the open session, if any. */
  finish(): Promise<LoanSessionMessage> {
    return this.serial(async () => this.close('finish'));
  }

  /**
   * The kiosk's renew button: renews (29/30) each item the open session's reader had on loan, one
   * `renew` event each (who renewed sealed, like a loan). Null without an open session. A renewal
   * needs the ILS's answer (the new due date), so none is queued while it is away.
   */
  renew(): Promise<RenewOutcome | null> {
    return this.serial(async () => {
      const { deps } = this;
      const s = this.session;
      if (!s || this.rule.mode !== 'checkout') return null;
      this.touch();
      if (!deps.ils || this.ilsAway) return { ils: deps.ils ? 'away' : 'none', renewed: [], refused: [] };
      if (s.renewalsDenied) return { ils: 'refused', renewed: [], refused: s.onLoan.map((item) => ({ item, title: null, message: null })) };
      const out: RenewOutcome = { ils: 'done', renewed: [], refused: [] };
      for (const item of s.onLoan) {
        let r: RenewReply;
        try {
          r = await deps.ils.renew(s.patron, item, deps.clock.now());
        } catch (e) {
          this.markAway(e);
          out.ils = 'away';
          break;
        }
        this.ilsAway = false;
        if (r.ok) out.renewed.push({ item, title: r.title, due: r.due });
        else out.refused.push({ item, title: r.title, message: r.screenMessage });
        const at = deps.clock.wallMs();
        const sealed = deps.sealer ? deps.sealer.seal({ patron: s.patron }) : null;
        deps.queue.commit((tx) =>
          tx.append({ type: 'renew', at, trusted_at: deps.clock.now() * 1000, scenario: deps.venue.name, body: { venue: deps.venue.name, item, ok: r.ok, due: r.due, ils_message: r.screenMessage, session_seq: s.opened_seq }, sealed }),
        );
      }
      deps.log.info({ renewed: out.renewed.length, refused: out.refused.length, ils: out.ils }, 'renewals asked');
      return out;
    });
  }

  /** What the kiosk and the staff panel show of the desk now. */
  state(): LoanSessionMessage & { queued: number } {
    return { ...this.sessionMessage(), queued: this.deps.outbox.size() };
  }

  /** The library system is away, or loans still wait for it (health's `ils_offline`). */
  ilsOffline(): boolean {
    return this.deps.ils !== null && (this.ilsAway || this.deps.outbox.size() > 0);
  }

  /** Queued loans sent again now (tests, and the retry loop). */
  retryNow(): Promise<number> {
    return this.serial(() => this.flush());
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const next = this.chain.then(f);
    this.chain = next.catch((e: unknown) => this.deps.log.error({ err: e }, 'library reading not handled'));
    return next;
  }

  private sessionMessage(closedBy?: LoanSessionMessage['closed_by']): LoanSessionMessage {
    const s = this.session;
    return {
      type: 'loan-session',
      open: s !== null,
      items: s?.items.length ?? 0,
      max_items: this.rule.max_items ?? VENUE_DEFAULTS.loan_max_items,
      offline: this.deps.ils !== null && (s?.offline ?? this.ilsAway),
      closes_at: s ? s.closes_at : null,
      ...(s ? { on_loan: s.onLoan.length, owed: s.owed } : {}),
      ...(closedBy ? { closed_by: closedBy } : {}),
    };
  }

  /**
   * Who the ILS knows the reader as (docs/library.md#readers-by-code-or-id-card): the holder hash
   * (docs/feeds.md) of a verified code or an ID card, or with `patron_id: feed` the identifier the
   * `patrons` feed gives for it. `unknown`: a holder the feed does not list.
   */
  private patronOf(reading: Reading): string | null | 'unknown' {
    const holder = this.holderOf(reading);
    if (!holder || this.rule.patron_id !== 'feed') return holder;
    return this.deps.patronOf?.(holder) ?? 'unknown';
  }

  private holderOf(reading: Reading): string | null {
    const { deps } = this;
    if (reading.kind === 'code') {
      const v = verifyCode(reading.text, deps.trust.index, { now: deps.clock.now(), skew: deps.skew });
      const sub = v.claims?.sub ?? null;
      return v.valid && v.issuer && sub !== null ? holderOfCode(v.issuer, sub) : null;
    }
    if (reading.kind === 'idcard') {
      const no = cardAttributes(reading.card).doc_no;
      const salt = deps.salt();
      return no && salt ? holderOfDocument(salt, no) : null;
    }
    return null;
  }

  private async holder(reading: Reading, device: DeviceHealth): Promise<VerdictMessage> {
    const { deps } = this;
    if (this.rule.mode === 'checkin') return deps.decide(reading, device);
    const found = this.patronOf(reading);
    const patron = found === 'unknown' ? null : found;
    let override: Reason | undefined;
    let offline = false;
    let account: PatronInformation | null = null;
    if (patron && deps.ils && !this.ilsAway) {
      try {
        const p = await deps.ils.patronStatus(patron, deps.clock.now());
        this.ilsAway = false;
        if (!p.valid) override = 'patron_unknown';
        else {
          // What the reader owes and has on loan, shown whether the ILS blocks them or not.
          account = await deps.ils.patronInformation(patron, deps.clock.now());
          if (p.blocked || account.blocked) override = 'ils_refused';
        }
      } catch (e) {
        this.markAway(e);
        offline = true;
      }
    } else if (deps.ils && this.ilsAway) offline = true;
    if (found === 'unknown') override = 'patron_unknown';
    else if (!patron) override = 'identity_required';
    const owed = account ? owedText(account) : null;
    const m = deps.decide(reading, device, override, owed ? { owed } : undefined);
    if (!m.accepted || !patron) return m;
    if (this.session) this.close('next-holder');
    this.session = { patron, opened_seq: m.seq, items: [], onLoan: account?.items ?? [], owed, renewalsDenied: account?.renewalsDenied ?? false, offline, timer: setTimeout(() => void 0, 0), closes_at: 0 };
    this.touch();
    deps.publish(this.sessionMessage());
    return m;
  }

  /** The session closes `session_s` after its last reading. */
  private touch(): void {
    const s = this.session;
    if (!s) return;
    clearTimeout(s.timer);
    const ms = (this.rule.session_s ?? VENUE_DEFAULTS.loan_session_s) * 1000;
    s.closes_at = this.deps.clock.wallMs() + ms;
    s.timer = setTimeout(() => void this.serial(async () => (this.session === s ? this.close('timeout') : this.sessionMessage())), ms);
    s.timer.unref?.();
  }

  private close(by: NonNullable<LoanSessionMessage['closed_by']>): LoanSessionMessage {
    const { deps } = this;
    const s = this.session;
    if (!s) return this.sessionMessage();
    clearTimeout(s.timer);
    this.session = null;
    const now = deps.clock.now();
    deps.queue.commit((tx) =>
      tx.append({ type: 'loan_session', at: deps.clock.wallMs(), trusted_at: now * 1000, scenario: deps.venue.name, body: { venue: deps.venue.name, opened_seq: s.opened_seq, items: s.items.length, closed_by: by }, sealed: null }),
    );
    // The closing message says how many items the session lent.
    const m = { ...this.sessionMessage(by), items: s.items.length };
    deps.publish(m);
    return m;
  }

  private markAway(e: unknown): void {
    this.ilsAway = true;
    this.deps.log.warn({ err: e instanceof Sip2Error ? e.message : e }, 'library system (ILS) unreachable: loans are queued');
  }

  private async item(text: string, device: DeviceHealth): Promise<VerdictMessage> {
    const { deps, rule } = this;
    const checkout = rule.mode === 'checkout';
    const s = this.session;
    const code = itemBarcode(text);
    const refuse = (reason: Reason, body: Record<string, unknown> = {}) => this.commit(device, { accepted: false, reason, body, effects: [] });
    if (!code.ok) return refuse('item_barcode_invalid', { why: code.why });
    if (checkout && !s) return refuse('loan_no_session', { symbology: code.symbology });
    if (s && checkout && s.items.includes(code.item)) {
      this.touch();
      return this.commit(device, { accepted: true, reason: null, replayed: true, body: { symbology: code.symbology, duplicate: true }, effects: [{ kind: 'loan', op: 'checkout', item: code.item, ils: 'done', count: s.items.length }] });
    }
    if (s && checkout && s.items.length >= (rule.max_items ?? VENUE_DEFAULTS.loan_max_items)) {
      this.touch();
      return refuse('loan_limit', { symbology: code.symbology });
    }
    const now = deps.clock.now();
    const op = checkout ? 'checkout' : 'checkin';
    let ils: 'done' | 'queued' | 'none' = 'none';
    let extra: { title?: string; due?: string } = {};
    if (deps.ils && !this.ilsAway) {
      try {
        const r = checkout ? await deps.ils.checkout(s!.patron, code.item, now, false) : await deps.ils.checkin(code.item, now, false);
        this.ilsAway = false;
        if (!r.ok) {
          if (s) this.touch();
          return refuse('ils_refused', { symbology: code.symbology, op, ils_message: r.screenMessage });
        }
        ils = 'done';
        extra = { ...(r.title ? { title: r.title } : {}), ...('due' in r && r.due ? { due: r.due } : {}) };
      } catch (e) {
        this.markAway(e);
        ils = 'queued';
      }
    } else if (deps.ils) ils = 'queued';
    if (s && checkout) {
      s.items.push(code.item);
      if (ils === 'queued') s.offline = true;
      this.touch();
    }
    const effect: Effect = { kind: 'loan', op, item: code.item, ils, ...extra, ...(s && checkout ? { count: s.items.length } : {}) };
    const m = this.commit(device, { accepted: true, reason: null, body: { symbology: code.symbology, op, ils }, effects: [effect], queue: ils === 'queued' ? { op, patron: checkout ? s!.patron : null, item: code.item, at: now } : undefined });
    if (s && checkout) deps.publish(this.sessionMessage());
    return m;
  }

  /** One item reading's event (`loan` or `return`), with its queued SIP2 transaction in the same transaction. */
  private commit(
    device: DeviceHealth,
    o: { accepted: boolean; reason: Reason | null; replayed?: boolean; body: Record<string, unknown>; effects: Effect[]; queue?: { op: 'checkout' | 'checkin'; patron: string | null; item: string; at: number } },
  ): VerdictMessage {
    const { deps } = this;
    const at = deps.clock.wallMs();
    const now = deps.clock.now();
    // Who borrowed goes to the service sealed, like every personal field; a return names nobody.
    const patron = o.accepted && this.rule.mode === 'checkout' && this.session ? this.session.patron : null;
    const sealed = patron && deps.sealer ? deps.sealer.seal({ patron }) : null;
    const message = deps.queue.commit((tx): VerdictMessage => {
      const event = tx.append({
        type: this.rule.mode === 'checkout' ? 'loan' : 'return',
        at,
        trusted_at: now * 1000,
        scenario: deps.venue.name,
        body: { venue: deps.venue.name, ...o.body, accepted: o.accepted, reason: o.reason, device: device.id, ...(this.session ? { session_seq: this.session.opened_seq } : {}), effects: o.effects },
        sealed,
      });
      if (o.queue) deps.outbox.add(o.queue.op, o.queue.patron, o.queue.item, o.queue.at, event.seq);
      return { type: 'verdict', seq: event.seq, at, accepted: o.accepted, reason: o.reason, scenario: deps.venue.name, source: 'other', issuer: null, code_type: null, display: {}, replayed: o.replayed ?? false, effects: o.effects };
    });
    deps.publish(message);
    deps.afterCommit(message, device);
    deps.log.info({ seq: message.seq, accepted: message.accepted, reason: message.reason }, 'library item decided');
    return message;
  }

  /** Sends queued loans and returns, oldest first, until the ILS fails again; each answer is an `ils` event. */
  private async flush(): Promise<number> {
    const { deps } = this;
    const ils = deps.ils;
    if (!ils) return 0;
    let sent = 0;
    for (const q of deps.outbox.pending()) {
      let r: { ok: boolean; screenMessage: string | null };
      try {
        r = q.op === 'checkout' ? await ils.checkout(q.patron ?? '', q.item, q.at, true) : await ils.checkin(q.item, q.at, true);
      } catch (e) {
        deps.outbox.tried(q.id);
        this.markAway(e);
        return sent;
      }
      this.ilsAway = false;
      const now = deps.clock.now();
      deps.queue.commit((tx) => {
        tx.append({ type: 'loan_ils', at: deps.clock.wallMs(), trusted_at: now * 1000, scenario: deps.venue.name, body: { venue: deps.venue.name, op: q.op, item: q.item, item_seq: q.seq, ok: r.ok, ils_message: r.screenMessage, attempts: q.attempts + 1 }, sealed: null });
        deps.outbox.done(q.id);
      });
      if (!r.ok) deps.log.warn({ item_seq: q.seq, op: q.op, message: r.screenMessage }, 'the ILS refused a queued loan: staff must settle it');
      sent++;
    }
    if (sent === 0 && deps.outbox.size() === 0 && this.ilsAway) {
      // Nothing queued: ask the ILS whether it is back with the cheapest exchange it has.
      try {
        await ils.patronStatus('0', deps.clock.now());
        this.ilsAway = false;
      } catch {
        // still away
      }
    }
    return sent;
  }
}
