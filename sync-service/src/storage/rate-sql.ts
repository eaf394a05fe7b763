// The rate-limit counter's one statement, the same on both engines: a row per key, reset when its
// window has passed, incremented otherwise, in one atomic upsert. $1 key, $2 now, $3 window (ms).
export const RATE_HIT_SQL = `INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, 1)
  ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN rate_limits.window_start + $3 <= $2 THEN 1 ELSE rate_limits.count + 1 END,
    window_start = CASE WHEN rate_limits.window_start + $3 <= $2 THEN $2 ELSE rate_limits.window_start END
  RETURNING count, window_start`;

/** Windows longer than this are not supported: rows older are pruned. */
export const RATE_WINDOW_MAX_MS = 24 * 3600_000;

/** A window's count without touching it. $1 key. */
export const RATE_READ_SQL = 'SELECT count, window_start FROM rate_limits WHERE key = $1';

/** What a row read by RATE_READ_SQL means now: a window that has passed counts nothing. */
export function liveCount(row: { count: number | string; window_start: number | string } | undefined, windowMs: number, now: number): { count: number; resetAt: number } {
  const start = row ? Number(row.window_start) : now;
  if (!row || start + windowMs <= now) return { count: 0, resetAt: now + windowMs };
  return { count: Number(row.count), resetAt: start + windowMs };
}

// The hall number allocator's one statement, the same on both engines: the row holds the next
// number not yet handed out; the upsert moves it on by the block and returns where it now stands.
// $1 hall, $2 category, $3 day, $4 count, $5 terminal, $6 now.
export const ALLOCATE_SQL = `INSERT INTO hall_counters (hall, category, day, next, last_terminal, updated_at) VALUES ($1, $2, $3, 1 + $4, $5, $6)
  ON CONFLICT (hall, category, day) DO UPDATE SET
    next = hall_counters.next + $4, last_terminal = $5, updated_at = $6
  RETURNING next`;
