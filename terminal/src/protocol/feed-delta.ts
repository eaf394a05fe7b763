// Feed deltas on the wire (docs/feeds.md#deltas): what changed between two versions of a feed,
// holder by holder. A delta names every holder whose rows differ and carries those holders' new
// rows; a named holder without rows was removed. The service computes one delta per import
// (from the version before it), chains them for a terminal several versions behind, and the
// terminal replaces the named holders' rows in one transaction.
import type { FeedKind, FeedRow } from './feeds.ts';

/** Most holders a delta may name; beyond it the service sends the whole snapshot instead. */
export const FEED_DELTA_MAX_HOLDERS = 5000;

/** What changed from one version to the next: the holders whose rows differ, and their new rows. */
export interface FeedChange {
  holders: string[];
  rows: FeedRow[];
}

/** What a terminal holding version `from` pulls when the service still has the chain to `version`. */
export interface FeedDelta<K extends FeedKind = FeedKind> extends FeedChange {
  format: 'yss-feed-delta/1';
  venue: string;
  kind: K;
  /** The version the delta applies to; the terminal must hold exactly it. */
  from: number;
  version: number;
  published_at: number;
  salt: string;
  /** Rows of the feed at `version`: the terminal checks its count after applying. */
  rows_total: number;
}

/** Each holder's rows as one JSON text (in feed order), to compare versions holder by holder. */
function byHolder(rows: readonly FeedRow[]): Map<string, string> {
  const grouped = new Map<string, FeedRow[]>();
  for (const r of rows) {
    const list = grouped.get(r.holder);
    if (list) list.push(r);
    else grouped.set(r.holder, [r]);
  }
  const out = new Map<string, string>();
  for (const [h, list] of grouped) out.set(h, JSON.stringify(list));
  return out;
}

/**
 * The change from `before` to `after`, or null when it names more than FEED_DELTA_MAX_HOLDERS
 * holders (a snapshot is then the cheaper thing to send).
 */
export function diffFeed(before: readonly FeedRow[], after: readonly FeedRow[]): FeedChange | null {
  const old = byHolder(before);
  const now = byHolder(after);
  const holders: string[] = [];
  for (const [h, text] of now) if (old.get(h) !== text) holders.push(h);
  for (const h of old.keys()) if (!now.has(h)) holders.push(h);
  if (holders.length > FEED_DELTA_MAX_HOLDERS) return null;
  const named = new Set(holders);
  return { holders, rows: after.filter((r) => named.has(r.holder)) };
}

/** Consecutive changes as one (a later change of a holder replaces an earlier), or null when it grows too large. */
export function chainChanges(changes: readonly FeedChange[]): FeedChange | null {
  const latest = new Map<string, FeedRow[]>();
  for (const c of changes) {
    const rows = new Map<string, FeedRow[]>(c.holders.map((h) => [h, []]));
    for (const r of c.rows) rows.get(r.holder)?.push(r);
    for (const [h, list] of rows) {
      latest.delete(h);
      latest.set(h, list);
    }
    if (latest.size > FEED_DELTA_MAX_HOLDERS) return null;
  }
  return { holders: [...latest.keys()], rows: [...latest.values()].flat() };
}
