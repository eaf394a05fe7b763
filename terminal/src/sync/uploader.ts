// Uploads the queue in batches and records what the service confirmed. Never loses or reorders
// what the queue holds: a batch is resent until acknowledged, and the service deduplicates.
import type { Logger } from 'pino';
import { bodyHash, type UploadReply } from '../protocol/index.ts';
import type { Queue } from '../queue/index.ts';
import type { ServiceClient } from './client.ts';
import { SyncError } from './errors.ts';

/** Smallest batch cap the uploader shrinks to after timeouts. */
const MIN_BATCH_BYTES = 16 * 1024;
/** Successful uploads after which a shrunk batch cap grows by half again. */
const REGROW_AFTER = 8;
/** Longest the confirmed ack stays only in memory while draining, ms. */
const ACK_WRITE_MS = 1000;

export interface UploaderDeps {
  queue: Queue;
  client: ServiceClient;
  log: Logger;
  now(): number;
  batchMaxEvents: number;
  batchMaxBytes: number;
  /** Uploads in flight while a backlog drains: 2, or 1 for none sent ahead. */
  uploadsInFlight: 1 | 2;
}

export class Uploader {
  /** Set after the service reported a gap: upload from here instead of the local ack mark. */
  private resumeFrom: number | null = null;
  /**
   * What the service confirmed, ahead of what is written to the queue. Writing acks lazily (at
   * most once a second while draining) saves an fsync per batch; losing one in a crash only
   * means resending events the service then deduplicates.
   */
  private confirmed = 0;
  /** Current batch byte cap: batchMaxBytes, halved after each upload timeout, regrown slowly. */
  private batchBytes: number;
  private uploadsSinceTimeout = 0;
  private lastAckWrite = 0;
  /** The last upload left more of a backlog to send. */
  private inBacklog = false;
  /**
   * The batch after the ones in flight, built (read, serialized, hashed) while the service stores
   * them, so that a drain keeps both sides busy instead of taking turns. Used only by an upload
   * that starts where it does; anything else (an error, a gap, a shorter ack) throws it away.
   */
  private prepared: Batch | null = null;
  /**
   * The second upload of a draining backlog, sent before the reply to the one before it: the
   * next call of uploadOnce waits for its reply. It assumes the one before is acknowledged whole;
   * anything else drops it (`dropAhead`).
   */
  private ahead: Upload | null = null;

  constructor(private readonly deps: UploaderDeps) {
    this.batchBytes = deps.batchMaxBytes;
  }

  /** Highest sequence the service is known to hold. */
  get ackedSeq(): number {
    return Math.max(this.deps.queue.ackedThrough, this.confirmed);
  }

  /** True while an upload sent ahead waits for its reply: the next uploadOnce takes it, without sleeping first. */
  get pending(): boolean {
    return this.ahead !== null;
  }

  /** Writes what the service confirmed to the queue (backlog and quota then count it). */
  writeAck(): void {
    if (this.confirmed > this.deps.queue.ackedThrough) this.deps.queue.ack(this.confirmed, this.deps.now());
    this.lastAckWrite = this.deps.now();
  }

  /** Waits for an upload sent ahead and keeps what its reply acknowledged (the engine stops). */
  async settle(): Promise<void> {
    await this.dropAhead();
  }

  /**
   * Uploads one batch; `sent` is false when nothing was waiting, `more` when more is, `backlog`
   * when more was already waiting beyond this batch's cap (as opposed to committed meanwhile).
   * While a backlog drains, the batch after this one goes up as soon as this one has gone out
   * (`uploadsInFlight`): the service parses the second while its writer stores the first.
   */
  async uploadOnce(): Promise<{ sent: boolean; more: boolean; backlog: boolean }> {
    const r = await this.upload();
    // The last upload of a backlog: its ack goes to disk now, not at the loop's next idle turn
    // (up to sync.interval_ms later, a third of a 100,000-event drain's time): no upload follows
    // that the fsync would hold back. Single readings keep the lazy write.
    if (r.sent && !r.more && this.inBacklog) this.writeAck();
    this.inBacklog = r.backlog;
    return r;
  }

  private async upload(): Promise<{ sent: boolean; more: boolean; backlog: boolean }> {
    const { queue } = this.deps;
    let current = this.ahead;
    this.ahead = null;
    if (!current) {
      const from = this.resumeFrom ?? this.ackedSeq;
      const batch = this.prepared?.from === from ? this.prepared : this.batch(from);
      this.prepared = null;
      if (batch.count === 0) {
        this.writeAck();
        return { sent: false, more: false, backlog: false };
      }
      current = this.send(batch, false);
    }
    // One turn of the event loop first, so that the request's bytes go out before this thread is busy.
    await turn();
    // The ack is written at most once a second while uploads follow each other, and at the
    // loop's next idle turn (uploadOnce with nothing to send) otherwise: an fsync per upload
    // would land between scans, and one after each reply would hold the next upload back.
    if (this.deps.now() - this.lastAckWrite >= ACK_WRITE_MS) this.writeAck();
    // A backlog (beyond this batch and the next, events were waiting when they were read): the
    // next batch goes up now. Not the last of a backlog, nor what a stream of readings adds up to
    // in a wait for their pause: those go up one at a time, after a reply, as they always did.
    // Not after a reply already read that does not acknowledge this batch whole (a gap, an error).
    if (this.deps.uploadsInFlight > 1 && current.batch.last < current.batch.head && (!current.settled || wholly(current.settled, current.batch))) {
      const next = this.prepared?.from === current.batch.last ? this.prepared : this.batch(current.batch.last);
      this.prepared = next;
      if (next.last < next.head) {
        this.prepared = null;
        this.ahead = this.send(next, true);
        await turn();
      }
    }
    // While the service stores what is in flight: the batch after it.
    const tail = this.ahead?.batch ?? current.batch;
    if (tail.last < queue.lastSequence && this.prepared?.from !== tail.last) this.prepared = this.batch(tail.last);
    const outcome = await current.outcome;
    if (!outcome.ok) {
      const dropped = await this.dropAhead();
      this.prepared = null;
      if (isTimeout(outcome.error) || (dropped && !dropped.ok && isTimeout(dropped.error))) {
        this.batchBytes = Math.max(MIN_BATCH_BYTES, Math.floor(this.batchBytes / 2));
        this.uploadsSinceTimeout = 0;
      }
      throw outcome.error;
    }
    const reply = outcome.reply;
    // Grow back only after a run of successes, so a link with a hard limit times out rarely.
    if (++this.uploadsSinceTimeout % REGROW_AFTER === 0) this.batchBytes = Math.min(this.deps.batchMaxBytes, Math.ceil(this.batchBytes * 1.5));
    if (reply.acked_through > queue.lastSequence) {
      await this.dropAhead(false);
      throw SyncError.of('YSS_SYNC_BAD_REPLY', `service acknowledged ${reply.acked_through} but the queue ends at ${queue.lastSequence}`);
    }
    if (reply.gap && current.behind) {
      // Sent while the upload before it was in flight, it reached the service first (two
      // sockets): nothing of it was stored. Expected, not an error; the upload before it has
      // been answered by now, so the next one starts from the highest acknowledgement.
      this.confirmed = Math.max(this.confirmed, reply.acked_through);
      await this.dropAhead();
      this.prepared = null;
      return { sent: true, more: true, backlog: true };
    }
    if (reply.gap) {
      // The service holds less than we thought it acknowledged (restored from a backup, say):
      // resend from where it stands, as far as retention still has the events.
      // Nothing else was in flight before this upload; what was sent after it starts past the gap.
      await this.dropAhead(false);
      this.confirmed = reply.acked_through;
      this.deps.log.error({ gap: reply.gap }, "service reported a gap in this terminal's events; resending from its head");
      this.resumeFrom = reply.acked_through;
      if (queue.after(reply.acked_through, 1)[0]?.seq !== reply.acked_through + 1) {
        this.resumeFrom = null;
        throw SyncError.of('YSS_SYNC_GAP', reply.gap.expected);
      }
      return { sent: true, more: true, backlog: true };
    }
    // Replies may be read in another order than the service wrote them: an acknowledgement
    // never moves back (the service never holds less than it said without reporting a gap).
    this.confirmed = Math.max(this.confirmed, reply.acked_through);
    this.resumeFrom = null;
    // The upload ahead starts after this one's last event: if the service holds less, it is lost.
    if (reply.acked_through < current.batch.last) await this.dropAhead();
    const more = this.ahead !== null || this.confirmed < queue.lastSequence;
    return { sent: true, more, backlog: this.ahead !== null || current.batch.last < current.batch.head };
  }

  /** Sends `batch`; `behind` when the upload before it is still in flight. Never rejects: the outcome says. */
  private send(batch: Batch, behind: boolean): Upload {
    const upload: Upload = { batch, behind, outcome: null as unknown as Promise<Outcome>, settled: null };
    upload.outcome = this.deps.client.upload(batch.body, batch.hash).then(
      (reply) => (upload.settled = { ok: true as const, reply }),
      (error: unknown) => (upload.settled = { ok: false as const, error }),
    );
    return upload;
  }

  /**
   * Forgets the upload sent ahead once its reply is in (or its request failed): the next upload
   * starts from what the service acknowledged. A plain acknowledgement in that reply still counts
   * (`keepAck`), as the highest of all; a gap or an error in it is the consequence of the one
   * before it and says nothing new.
   */
  private async dropAhead(keepAck = true): Promise<Outcome | null> {
    const ahead = this.ahead;
    this.ahead = null;
    if (!ahead) return null;
    const outcome = await ahead.outcome;
    if (keepAck && outcome.ok && !outcome.reply.gap && outcome.reply.acked_through <= this.deps.queue.lastSequence) {
      this.confirmed = Math.max(this.confirmed, outcome.reply.acked_through);
    }
    return outcome;
  }

  /**
   * The next batch after `from`, capped by count and bytes (at least one event). The body is
   * written straight into one Buffer, hashed and sent as those bytes: joining a megabyte of
   * strings and encoding it to UTF-8 for the hash and again for the socket cost more than
   * reading the rows (docs/scale.md, "Where an upload's time goes").
   */
  private batch(from: number): Batch {
    const head = this.deps.queue.lastSequence;
    const events = this.deps.queue.outgoing(from, this.deps.batchMaxEvents);
    const sizes: number[] = [];
    let bytes = BODY_OPEN.length + BODY_CLOSE.length;
    let last = from;
    for (const e of events) {
      const size = Buffer.byteLength(e.json);
      if (sizes.length > 0 && bytes + size + 1 > this.batchBytes) break;
      bytes += size + (sizes.length > 0 ? 1 : 0);
      sizes.push(size);
      last = e.seq;
    }
    if (sizes.length === 0) return { from, last, head, count: 0, body: Buffer.alloc(0), hash: '' };
    const body = Buffer.allocUnsafe(bytes);
    let at = body.write(BODY_OPEN, 0, 'latin1');
    for (let i = 0; i < sizes.length; i++) {
      if (i > 0) body[at++] = 0x2c; // ,
      at += body.write(events[i]!.json, at, sizes[i]!, 'utf8');
    }
    at += body.write(BODY_CLOSE, at, 'latin1');
    if (at !== bytes) throw new Error(`batch body is ${at} bytes, expected ${bytes}`);
    return { from, last, head, count: sizes.length, body, hash: bodyHash(body) };
  }
}

const BODY_OPEN = '{"events":[';
const BODY_CLOSE = ']}';

/** One turn of the event loop. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

const isTimeout = (e: unknown) => e instanceof SyncError && e.code === 'YSS_SYNC_TIMEOUT';

type Outcome = { ok: true; reply: Pick<UploadReply, 'acked_through' | 'gap'> } | { ok: false; error: unknown };

interface Upload {
  batch: Batch;
  /** Sent while the upload before it was in flight: a gap in its reply means it arrived first. */
  behind: boolean;
  outcome: Promise<Outcome>;
  /** The outcome once it is in. */
  settled: Outcome | null;
}

/** Whether `o` is a reply that acknowledges `batch` whole, without a gap. */
const wholly = (o: Outcome, batch: Batch) => o.ok && !o.reply.gap && o.reply.acked_through >= batch.last;

interface Batch {
  /** The sequence the batch follows. */
  from: number;
  /** Its last event's sequence (`from` when empty). */
  last: number;
  /** The queue's last sequence when the batch was read: beyond `last`, events were already waiting. */
  head: number;
  count: number;
  /** `{"events":[...]}` as the bytes sent. */
  body: Buffer;
  /** bodyHash(body), what the request signature covers. */
  hash: string;
}
