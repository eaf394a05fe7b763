// Fast path for large trust lists: find `revoked.cti` and `revoked.sub` in the payload bytes,
// index their hashes in place, and JSON.parse the rest with those two arrays emptied. Anything
// unusual (escapes in keys or hashes, duplicate keys, not an object) returns null and the caller
// parses the whole payload the ordinary way, so results never differ, only speed.
//
// The final JSON.parse checks the syntax of everything the scan does not index: up to the first
// error in the text, the scan reads exactly what JSON.parse reads, and the two cut arrays are
// valid JSON, so the shortened text fails wherever the whole one would. The scan checks syntax
// itself only where reading on could index an array or report a bad hash (a ScanError) that
// JSON.parse would never have reached. Past the end of the buffer `buf[p]` is undefined, which
// is no byte any check looks for.
import { ByteHashSet, HASH_LENGTH, isHash32At } from './byte-hash-set.ts';

export class ScanError extends Error {
  constructor(
    readonly where: string,
    readonly index: number,
  ) {
    super(`${where}[${index}] should be base64url of a 32-byte SHA-256 hash`);
  }
}

export interface Scanned {
  doc: unknown;
  cti: ByteHashSet | null;
  sub: ByteHashSet | null;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

/** Lists below this many bytes gain nothing from the scan. */
const MIN_SCAN_BYTES = 256 * 1024;

class Bail extends Error {}

/** Null when the payload is small or unusual: parse it whole instead. */
export function scanPayload(buf: Uint8Array, minBytes = MIN_SCAN_BYTES): Scanned | null {
  if (buf.length < minBytes) return null;
  try {
    return scan(buf);
  } catch (e) {
    if (e instanceof Bail) return null;
    throw e;
  }
}

/**
 * The most hashes an array can hold that starts at `from` in a buffer of `length` bytes: each
 * entry takes at least 45 of them (43 characters and two quotes). It sizes a list's table, so it
 * has room for every entry and never fills past half, without a second pass to count them.
 */
export function maxHashes(length: number, from: number): number {
  return Math.ceil((length - from) / (HASH_LENGTH + 2));
}

function scan(buf: Uint8Array): Scanned {
  let p = 0;
  const ws = () => {
    for (let c = buf[p]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = buf[++p]);
  };
  const expect = (c: number) => {
    ws();
    if (buf[p] !== c) throw new Bail();
    p++;
  };
  /** A key without escapes, as latin1 text (only compared with ASCII names). */
  const key = (): string => {
    ws();
    if (buf[p] !== QUOTE) throw new Bail();
    const start = ++p;
    for (let c = buf[p]; c !== QUOTE; c = buf[++p]) if (c === BACKSLASH || c === undefined) throw new Bail();
    return Buffer.from(buf.buffer, buf.byteOffset + start, p++ - start).toString('latin1');
  };
  const skipString = () => {
    p++;
    for (;;) {
      const c = buf[p++];
      if (c === QUOTE) return;
      if (c === BACKSLASH) p++;
      else if (c === undefined) throw new Bail();
    }
  };
  /** Skips the value at p (whitespace before it already skipped). */
  const skipValue = () => {
    let depth = 0;
    do {
      const c = buf[p];
      if (c === undefined) throw new Bail();
      if (c === QUOTE) skipString();
      else if (c === LBRACE || c === LBRACKET) {
        depth++;
        p++;
      } else if (c === RBRACE || c === RBRACKET) {
        depth--;
        p++;
        if (depth < 0) throw new Bail();
      } else if (depth === 0) {
        // A number or a literal: up to the next delimiter.
        for (let d: number | undefined = c; d !== undefined && d !== COMMA && d !== RBRACE && d !== RBRACKET; d = buf[++p]);
        return;
      } else p++;
    } while (depth > 0);
  };
  /** Indexes the array of hashes whose `[` is at `start` in place; returns its set. */
  const hashArray = (where: string, start: number): ByteHashSet => {
    const set = new ByteHashSet(buf, maxHashes(buf.length, start));
    p = start + 1;
    ws();
    if (buf[p] === RBRACKET) {
      p++;
      return set;
    }
    for (let n = 0; ; n++) {
      ws();
      if (buf[p] !== QUOTE) throw new ScanError(where, n);
      const at = p + 1;
      if (!isHash32At(buf, at) || buf[at + HASH_LENGTH] !== QUOTE) {
        // An escape could still spell a valid hash: let JSON.parse decide.
        for (let i = at, c = buf[i]; c !== QUOTE && c !== undefined; c = buf[++i]) if (c === BACKSLASH) throw new Bail();
        throw new ScanError(where, n);
      }
      set.add(at);
      p = at + HASH_LENGTH + 1;
      ws();
      if (buf[p] === COMMA) p++;
      else if (buf[p] === RBRACKET) {
        p++;
        return set;
      } else throw new Bail();
    }
  };

  const cut: [number, number][] = [];
  let cti: ByteHashSet | null = null;
  let sub: ByteHashSet | null = null;
  const seen = new Set<string>();
  expect(LBRACE);
  for (;;) {
    const k = key();
    if (seen.has(k)) throw new Bail();
    seen.add(k);
    expect(COLON);
    ws();
    if (k === 'revoked' && buf[p] === LBRACE) {
      p++;
      const inner = new Set<string>();
      ws();
      if (buf[p] !== RBRACE) {
        for (;;) {
          const rk = key();
          if (inner.has(rk)) throw new Bail();
          inner.add(rk);
          expect(COLON);
          ws();
          if ((rk === 'cti' || rk === 'sub') && buf[p] === LBRACKET) {
            const from = p;
            const set = hashArray(`revoked.${rk}`, from);
            cut.push([from, p]);
            if (rk === 'cti') cti = set;
            else sub = set;
          } else skipValue();
          ws();
          if (buf[p] !== COMMA) break;
          p++;
        }
      }
      // Nothing after this object can be indexed (a second `revoked` is a duplicate), so what
      // stands here instead of its brace is left to JSON.parse.
      p++;
    } else skipValue();
    ws();
    // The object's closing brace, and anything after it, are JSON.parse's to check.
    if (buf[p] !== COMMA) break;
    p++;
  }

  // The document without the two big arrays (each replaced by []), parsed by JSON.parse.
  let text = '';
  let from = 0;
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  for (const [s, e] of cut) {
    text += b.toString('utf8', from, s) + '[]';
    from = e;
  }
  text += b.toString('utf8', from, buf.length);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Bail();
  }
  return { doc, cti, sub };
}
