// Canonical base64 for the trust list (trust-list.md §2): one text per byte string. Node's
// decoder skips padding, junk and the other alphabet, so two lists that differ could mean the
// same; these refuse all of that by re-encoding and comparing. The comparison alone is the
// whole check: a text node decoded leniently never re-encodes to itself.

/** base64url without padding, canonical (unused bits zero); null otherwise or when not `bytes` long. */
export function fromBase64url(s: unknown, bytes?: number): Buffer | null {
  if (typeof s !== 'string') return null;
  const b = Buffer.from(s, 'base64url');
  if (b.toString('base64url') !== s) return null;
  if (bytes !== undefined && b.length !== bytes) return null;
  return b;
}

/** Standard base64 with padding, canonical; null otherwise. */
export function fromBase64(s: unknown): Buffer | null {
  if (typeof s !== 'string') return null;
  const b = Buffer.from(s, 'base64');
  return b.toString('base64') === s ? b : null;
}
