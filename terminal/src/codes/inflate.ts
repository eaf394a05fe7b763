import { inflateSync } from 'node:zlib';

/** Largest inflated COSE object accepted (codes.md §2): 64 KiB. */
export const INFLATE_LIMIT = 65_536;

/**
 * Returns the COSE bytes inside `data`: as is when they already look like CBOR (`D8 3D`, `D2`,
 * `84`), else inflated with a hard output cap so a zlib bomb costs at most 64 KiB of work.
 */
export function unwrapCompressed(data: Uint8Array): Uint8Array | null {
  const b0 = data[0];
  if (b0 === 0xd2 || b0 === 0x84 || (b0 === 0xd8 && data[1] === 0x3d)) return data;
  try {
    // maxOutputLength makes zlib throw as soon as its output passes the cap (a stream of exactly
    // the cap is whole); an empty or truncated stream throws too (Z_FINISH), so half a code is
    // never taken for a whole one. Codes inflate to a few hundred bytes: a small chunk keeps
    // zlib's per-call allocation small.
    const { buffer, engine } = inflateSync(data, { maxOutputLength: INFLATE_LIMIT, chunkSize: 1024, info: true }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    // zlib stops at the end of its stream and ignores the rest; bytes after it are not ours to ignore.
    if (engine.bytesWritten !== data.length) return null;
    return buffer;
  } catch {
    return null;
  }
}
