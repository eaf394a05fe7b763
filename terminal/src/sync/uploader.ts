// Uploads the queue in batches and records what the service confirmed. Never loses or reorders
// what the queue holds: a batch is resent until acknowledged, and the service deduplicates.
import type { Logger } from 'pino';
import { bodyHash } from '../protocol/index.ts';
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
  /**
   * The batch after the one in flight, built (read, serialized, hashed) while the service stored
   * that one, so that a drain keeps both sides busy instead of taking turns. Used only by the
   * next upload and only if it starts where this one does (the one in flight was acknowledged
   * whole); anything else (an error, a gap, a shorter ack) throws it away.
   */
  private prepared: Batch | null = null;

  constructor(private readonly deps: UploaderDeps) {
    this.batchBytes = deps.batchMaxBytes;
  }

  /** Highest sequence the service is known to hold. */
  get ackedSeq(): number {
    return Math.max(this.deps.queue.ackedThrough, this.confirmed);
  }

  /** Writes what the service confirmed to the queue (backlog and quota then count it). */
  writeAck(): void {
    if (this.confirmed > this.deps.queue.ackedThrough) this.deps.queue.ack(this.confirmed, this.deps.now());
    this.lastAckWrite = this.deps.now();
  }

  /**
   * Uploads one batch; `sent` is false when nothing was waiting, `more` when more is, `backlog`
   * when more was already waiting beyond this batch's cap (as opposed to committed meanwhile).
   */
  async uploadOnce(): Promise<{ sent: boolean; more: boolean; backlog: boolean }> {
    const { queue } = this.deps;
    const from = this.resumeFrom ?? this.ackedSeq;
    const batch = this.prepared?.from === from ? this.prepared : this.batch(from);
    this.prepared = null;
    if (batch.count === 0) {
      this.writeAck();
      return { sent: false, more: false, backlog: false };
    }
    let reply;
    try {
      const sending = this.deps.client.upload(batch.body, batch.hash);
      sending.catch(() => undefined); // awaited below; not unhandled while the next batch is built
      // While the service stores this batch: the previous reply's ack and the next batch. One
      // turn of the event loop first, so that the request's bytes go out before this thread is busy.
      await new Promise((resolve) => setImmediate(resolve));
      // The ack is written at most once a second while uploads follow each other, and at the
      // loop's next idle turn (uploadOnce with nothing to send) otherwise: an fsync per upload
      // would land between scans, and one after each reply would hold the next upload back.
      if (this.deps.now() - this.lastAckWrite >= ACK_WRITE_MS) this.writeAck();
      if (batch.last < queue.lastSequence) this.prepared = this.batch(batch.last);
      reply = await sending;
    } catch (e) {
      this.prepared = null;
      if (e instanceof SyncError && e.code === 'YSS_SYNC_TIMEOUT') {
        this.batchBytes = Math.max(MIN_BATCH_BYTES, Math.floor(this.batchBytes / 2));
        this.uploadsSinceTimeout = 0;
      }
      throw e;
    }
    // Grow back only after a run of successes, so a link with a hard limit times out rarely.
    if (++this.uploadsSinceTimeout % REGROW_AFTER === 0) this.batchBytes = Math.min(this.deps.batchMaxBytes, Math.ceil(this.batchBytes * 1.5));
    if (reply.acked_through > queue.lastSequence) {
      throw SyncError.of('YSS_SYNC_BAD_REPLY', `service acknowledged ${reply.acked_through} but the queue ends at ${queue.lastSequence}`);
    }
    this.confirmed = reply.acked_through;
    this.resumeFrom = null;
    if (reply.gap) {
      // The service holds less than we thought it acknowledged (restored from a backup, say):
      // resend from where it stands, as far as retention still has the events.
      this.deps.log.error({ gap: reply.gap }, "service reported a gap in this terminal's events; resending from its head");
      this.resumeFrom = reply.acked_through;
      if (queue.after(reply.acked_through, 1)[0]?.seq !== reply.acked_through + 1) {
        this.resumeFrom = null;
        throw SyncError.of('YSS_SYNC_GAP', reply.gap.expected);
      }
    }
    return { sent: true, more: this.resumeFrom !== null || reply.acked_through < queue.lastSequence, backlog: this.resumeFrom !== null || batch.last < batch.head };
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
