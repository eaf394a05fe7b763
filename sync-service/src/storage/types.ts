// What the service needs from a database: SQLite (sqlite.ts, the embedded default) and PostgreSQL
// (pg.ts, for several nodes) implement it. Every method is async (a network database cannot
// answer synchronously) and the SQL stays portable:
// BIGINT, TEXT, INSERT ... ON CONFLICT DO NOTHING, no SQLite-only functions. The only per-engine
// part is how ingest serializes one terminal's batches (SQLite: BEGIN IMMEDIATE; PostgreSQL:
// SELECT ... FOR UPDATE on the terminal's row). storage-contract.ts is the test every engine runs.
import type { Heartbeat, SlotReport, SlotShare, WireEvent } from '../../../terminal/src/protocol/index.ts';
import type { HallTicket, ResetRecord, VenueHour } from './activity.ts';
import type { SweepCount } from './hall-token-redaction.ts';
import type { PoliceHistoryEntry, PoliceReport, PoliceState } from './police.ts';

export type { HallTicket, ResetRecord, VenueHour } from './activity.ts';
export type { SweepCount } from './hall-token-redaction.ts';
export type { PoliceHistoryEntry, PoliceKind, PoliceReport, PoliceState } from './police.ts';

export interface TerminalRecord {
  id: string;
  name: string;
  public_key: string | null;
  status: 'pending' | 'active' | 'revoked';
  created_at: number;
  /** Highest sequence stored such that 1..head_seq are all stored. */
  head_seq: number;
  head_hash: string;
  /** When the head last moved (unix ms), or null before the first event. */
  head_at: number | null;
  last_heartbeat_at: number | null;
  heartbeat: Heartbeat | null;
}

export interface StoredEvent extends WireEvent {
  terminal_id: string;
  received_at: number;
  /**
   * The content hash the event had as uploaded, when the service has since removed a past day's
   * hall person tokens from its body (docs/hall.md): the chain checks with eventHash(e, e.redacted).
   */
  redacted?: string;
}

/** One published version of a venue's feed, without its rows. */
export interface FeedHead {
  venue: string;
  kind: string;
  version: number;
  /** How many rows it has. */
  rows: number;
  published_at: number;
}

/** Versions of a feed whose whole rows are kept (the newest and two before it). */
export const FEED_KEEP_VERSIONS = 3;
/** Versions whose change from the version before is kept: a terminal up to this many imports behind gets a delta. */
export const FEED_KEEP_CHANGES = 10;

/** Slots no terminal reported for this long are dropped (a slot is a day's; three days keeps yesterday's for the fleet). */
export const SHARE_KEEP_MS = 3 * 86_400_000;

/** What an import changed from the version before it (`base`), as JSON text (`FeedChange`). */
export interface FeedChangeIn {
  base: number;
  json: string;
}

/** One signed config push of one terminal (docs/config-push.md). */
export interface ConfigHead {
  terminal_id: string;
  version: number;
  /** The operator who pushed it. */
  operator: string;
  published_at: number;
}

/** One config push to every terminal of a venue (docs/config-push.md "A venue's terminals"). */
export interface VenueConfigHead {
  venue: string;
  /** Counted per venue: 1, 2, 3, … */
  version: number;
  operator: string;
  published_at: number;
  /** The venue's pushes laid over each other, as JSON (a PushedConfig; a PIN only as its hash). */
  config: string;
}

/** A terminal document that carries a venue push: the terminal's own version of it. */
export interface VenueConfigTarget {
  terminal_id: string;
  terminal_version: number;
}

export interface IngestResult {
  acked_through: number;
  gap: { expected: number; got: number } | null;
  inserted: number;
  duplicates: number;
}

/** A block of queue numbers, `first` to `last` inclusive. */
export interface NumberBlock {
  first: number;
  last: number;
}

/**
 * One step a window took on the hall's queue (docs/hall.md, "The calling side"), in the order the
 * service recorded it: `seq` counts 1, 2, … per hall and day. `step` is the step as hall-queue.ts
 * defines it (JSON); the storage keeps it whole.
 */
export interface HallStepRecord {
  seq: number;
  at: number;
  step: Record<string, unknown>;
}

export interface Storage {
  createTerminal(id: string, name: string, enrollmentCodeHash: string, now: number): Promise<void>;
  /**
   * Consumes a one-time enrollment code and binds the public key; null when the code is unknown,
   * or used by another key. Repeating it with the same key returns the same terminal (the reply
   * to the first try may have been lost).
   */
  enroll(enrollmentCodeHash: string, publicKey: string, now: number): Promise<TerminalRecord | null>;
  getTerminal(id: string): Promise<TerminalRecord | null>;
  listTerminals(): Promise<TerminalRecord[]>;
  revokeTerminal(id: string): Promise<boolean>;
  /** Records a request nonce; false when this terminal used it before. */
  useNonce(terminalId: string, nonce: string, expiresAt: number, now: number): Promise<boolean>;
  /**
   * Stores a batch that continues the terminal's chain, atomically and serialized per terminal;
   * events at or below the head are duplicates (skipped if identical). Throws ServiceError
   * YSS_SYNC_CHAIN_BROKEN on a broken chain, storing nothing of the batch. When `nonce` is given
   * it is recorded in the same transaction (one commit, one fsync per upload), and a nonce this
   * terminal used before throws YSS_SYNC_REPLAYED_NONCE, storing nothing.
   */
  ingest(terminalId: string, events: WireEvent[], now: number, nonce?: { nonce: string; expiresAt: number }): Promise<IngestResult>;
  heartbeat(terminalId: string, data: Heartbeat, now: number): Promise<void>;
  events(terminalId: string, afterSeq: number, limit: number): Promise<StoredEvent[]>;
  countEvents(terminalId?: string): Promise<number>;
  /**
   * Stores a trust list as the newest. Throws ServiceError YSS_SYNC_TRUST_LIST_ROLLBACK when a list
   * with this or a higher sequence is stored, atomically: two nodes publishing at once cannot both
   * pass the check.
   */
  publishTrustList(jws: string, sequence: number, now: number): Promise<void>;
  trustList(): Promise<{ jws: string; sequence: number; published_at: number } | null>;
  /** Stored events per venue and hour (summed over terminals), for the hours from `since` (unix ms). */
  activity(since: number): Promise<VenueHour[]>;
  /** Every chain reset a terminal has uploaded, newest first. */
  resets(): Promise<ResetRecord[]>;
  /** The venue's salt for document holders; `fresh` becomes it when the venue has none yet. */
  venueSalt(venue: string, fresh: string, now: number): Promise<string>;
  /**
   * Stores `rowsJson` (the JSON array of a validated import) as the feed's next version, atomically
   * (two nodes publishing at once get two versions), and drops versions older than the newest
   * FEED_KEEP_VERSIONS. Returns the new version (1 for a first import). `change` (what the import
   * changed from version `base`) is kept with it only when the new version is `base + 1` (another
   * import in between makes it wrong), and changes older than FEED_KEEP_CHANGES versions are dropped.
   */
  publishFeed(venue: string, kind: string, rowsJson: string, rows: number, now: number, change?: FeedChangeIn | null): Promise<number>;
  /** The newest version of a feed, or null when none was imported. */
  feedHead(venue: string, kind: string): Promise<FeedHead | null>;
  /** The rows (JSON array text) of one stored version, or null when it is not kept. */
  feedRows(venue: string, kind: string, version: number): Promise<string | null>;
  /**
   * The changes (JSON text each) leading from version `from` to `to`: those of versions from + 1
   * through `to`, in order; null when any of them is not kept (the caller sends a snapshot).
   */
  feedChanges(venue: string, kind: string, from: number, to: number): Promise<string[] | null>;
  /**
   * Records a terminal's counts of its venue's slots and grants it a share of each, atomically
   * with every other terminal's grant (two terminals reporting at once through two nodes never
   * share out the same places): the rule is `grantShare` (docs/feeds.md#capacity-shares), over
   * the terminals bound to `venue`. Drops slots not reported for three days.
   */
  shareSlots(venue: string, terminalId: string, reports: readonly SlotReport[], now: number): Promise<SlotShare[]>;
  /** The newest version of each kind of a venue's feeds, by kind. */
  venueFeeds(venue: string): Promise<FeedHead[]>;
  /** The newest version of every venue's every feed, by venue and kind (the fleet page). */
  feedHeads(): Promise<FeedHead[]>;
  /**
   * Stores a config push as the terminal's next version, atomically and serialized per terminal
   * (two operators pushing at once, through one node or two, get two versions): `sign` makes the
   * document for the version chosen from the newest one before it (null for a first push), inside
   * the transaction. Returns the version (1 for a first push).
   */
  publishConfig(terminalId: string, operator: string, now: number, sign: (version: number, previous: string | null) => string): Promise<number>;
  /** The terminal's newest config push with its signed document, or null when none was pushed. */
  configDoc(terminalId: string): Promise<(ConfigHead & { jws: string }) | null>;
  /** The newest config push of every terminal that has one. */
  configHeads(): Promise<ConfigHead[]>;
  /**
   * Stores a venue push as the venue's next version and, in the same transaction, as the next
   * version of every terminal bound to the venue and not revoked: `merge` makes the venue's config
   * from its newest one before (null for a first), `sign` each terminal's document from that
   * terminal's newest one. Serialized per venue and per terminal with publishConfig. Nothing is
   * stored when either throws.
   */
  publishVenueConfig(
    venue: string,
    operator: string,
    now: number,
    merge: (previous: string | null) => string,
    sign: (terminalId: string, version: number, previous: string | null) => string,
  ): Promise<{ version: number; terminals: VenueConfigTarget[] }>;
  /**
   * Gives a terminal its venue's newest push when its newest venue-carrying document is not that
   * one (bound after the push, moved from another venue, or bound while the push ran): its next
   * version, signed by `sign` from its newest document and the venue's config. Null, storing
   * nothing, when it has no venue, its venue no push, or it has the newest already.
   */
  catchUpVenueConfig(terminalId: string, now: number, sign: (version: number, previous: string | null, venueConfig: string) => string): Promise<{ venue: string; venue_version: number; version: number } | null>;
  /** The venue's newest push, or null. */
  venueConfig(venue: string): Promise<VenueConfigHead | null>;
  /** The newest push of every venue that has one, with the terminal documents that carry it. */
  venueConfigHeads(): Promise<(VenueConfigHead & { targets: VenueConfigTarget[] })[]>;
  /** Binds a terminal to the venue whose feeds it pulls (one venue per terminal). */
  setTerminalVenue(terminalId: string, venue: string): Promise<void>;
  terminalVenue(terminalId: string): Promise<string | null>;
  /**
   * Counts one hit on `key` in a fixed window of `windowMs` starting at its first hit, and
   * returns the count so far and when the window ends. Shared by every node on the database:
   * the rate limits of several nodes are one limit (rate-limit-store.ts).
   */
  rateHit(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }>;
  /** The count `rateHit` would build on, without counting: 0 when the key has no live window. */
  rateRead(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }>;
  /**
   * Reserves the next `count` queue numbers of one hall's category on one local day, durably
   * (committed before it returns) and atomically: two terminals asking at once, through one node
   * or several, get blocks that never overlap. Numbers start at 1 each day (docs/hall.md).
   */
  allocateNumbers(hall: string, category: string, day: string, count: number, terminalId: string, now: number): Promise<NumberBlock>;
  /** The hall tickets of one hall and day that terminals uploaded, in the order they were taken. */
  hallTickets(hall: string, day: string): Promise<HallTicket[]>;
  /** The steps windows took on one hall's queue on one day, by sequence. */
  hallSteps(hall: string, day: string): Promise<HallStepRecord[]>;
  /**
   * Records a step as number `seq` of the hall's day, durably; false (nothing stored) when another
   * step already holds that number: the caller read the queue before someone else's step, and
   * decides again from the new state. Two windows calling at once, on one node or several, never
   * both get the same ticket.
   */
  appendHallStep(hall: string, day: string, seq: number, step: Record<string, unknown>, at: number): Promise<boolean>;
  /**
   * Removes the person's token (docs/hall.md, "A token does not outlive its day") from at most
   * `limit` hall tickets of days before `beforeDay` not swept yet, oldest day first: the row's
   * `person`, and every `person` of the ticket effects in the event that carried it (that event
   * keeps its content hash as uploaded in `redacted`). Marks them swept at `now`, in one
   * transaction. Idempotent: a swept ticket is never visited again. Two nodes sweeping at once
   * take different tickets.
   */
  sweepHallTokens(beforeDay: string, limit: number, now: number): Promise<SweepCount>;
  /**
   * Police reports (docs/police.md) whose next attempt is due at `now`, oldest first: pending ones,
   * and sent ones whose lease passed (a crash mid-send). Reports still waiting for a foreign
   * guest's details are not due.
   */
  policeDue(now: number, limit: number): Promise<PoliceReport[]>;
  /**
   * Takes a due report for one send: `sent`, one more attempt, leased until `leaseUntil`. False
   * when another worker (another node) took it first, i.e. its next_attempt_at is no longer `seen`.
   */
  policeClaim(terminalId: string, seq: number, seen: number, leaseUntil: number, now: number): Promise<boolean>;
  /**
   * Records a sent report's outcome: accepted, rejected (with the gateway's reason), or pending
   * again (the gateway did not answer) with its next attempt. False when the report is not `sent`.
   */
  policeSettle(terminalId: string, seq: number, to: { state: Exclude<PoliceState, 'sent'>; reason: string | null; next_attempt_at: number }, now: number): Promise<boolean>;
  /** A terminal's reports of events from `since` (unix ms), newest first. */
  policeOfTerminal(terminalId: string, since: number, limit: number): Promise<PoliceReport[]>;
  /** Every venue's reports past their alert time and not accepted (corrected ones left out), soonest deadline first. */
  policeAlerts(now: number, limit: number): Promise<PoliceReport[]>;
  /** A report's states in order, each with its time and reason. */
  policeHistory(terminalId: string, seq: number): Promise<PoliceHistoryEntry[]>;
  close(): Promise<void>;
}
