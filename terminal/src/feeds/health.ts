// What the terminal reports of its feeds: in /api/health, the staff panel and heartbeats.
import type { FeedKind } from '../protocol/index.ts';
import type { Venue } from '../venue/index.ts';
import type { FeedStore } from './store.ts';

export interface FeedHealth {
  kind: FeedKind;
  /** Null when the venue decides from this kind and none has arrived. */
  version: number | null;
  rows: number;
  /** Unix ms. */
  published_at: number | null;
  /** Unix ms of the service's last word that this version is current. */
  checked_at: number | null;
  /** Seconds since checked_at. */
  age_s: number | null;
  /** The venue decides from it and it is missing or older than `access.max_feed_age_s`. */
  stale: boolean;
}

/** The kinds a venue decides from, which the terminal keeps current. */
export function venueFeedKinds(venue: Readonly<Venue>): FeedKind[] {
  return [...(venue.access?.lists ?? []), ...(venue.attendance ? (['roster'] as const) : []), ...(venue.loans?.patron_id === 'feed' ? (['patrons'] as const) : [])];
}

/** Every feed held, and every one the venue needs even when missing. */
export function feedHealth(store: FeedStore, venue: Readonly<Venue>, nowMs: number): FeedHealth[] {
  const needed = venueFeedKinds(venue);
  const max = (kind: FeedKind) => (kind === 'roster' ? venue.attendance?.max_feed_age_s : venue.access?.max_feed_age_s);
  const out: FeedHealth[] = store.all().map((m) => {
    const age = Math.max(0, Math.floor((nowMs - m.checked_at) / 1000));
    return { kind: m.kind, version: m.version, rows: m.rows, published_at: m.published_at, checked_at: m.checked_at, age_s: age, stale: needed.includes(m.kind) && age > (max(m.kind) ?? Infinity) };
  });
  for (const kind of needed) if (!out.some((f) => f.kind === kind)) out.push({ kind, version: null, rows: 0, published_at: null, checked_at: null, age_s: null, stale: true });
  return out.sort((a, b) => a.kind.localeCompare(b.kind));
}
