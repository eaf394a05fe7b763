// `terminal verify --trust-list <jws-file> --root <kid>:<x> [--at s] [--venue file] <code|->`:
// one JSON line per code on stdout (codes.md §6), diagnostics on stderr; exit 0 all valid,
// 1 otherwise, 2 usage. With `-`, codes come one per line on stdin, so thousands share one process.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { glueValues } from './args.ts';
import { processIo, type CommandIo } from './io.ts';
import { MAX_CODE_TEXT, verifyCode, type VerifyResult } from '../codes/index.ts';
import { openTrustList, parseRootArg, wallClock, type RootKey, type TrustIndex } from '../trust/index.ts';
import { decideVenue, loadVenue, verifierAllowsReplay, VenueError, type Venue } from '../venue/index.ts';

const USAGE =
  'usage: terminal verify --trust-list <jws-file> --root <kid>:<x> [--root ...] [--at <unix-seconds>] [--venue <venue.json>] <code|->';
const SKEW = 120;

class UsageError extends Error {}

interface Setup {
  index: TrustIndex | null;
  at: number | null;
  venue: Readonly<Venue> | null;
  input: string;
}

function setup(args: string[], io: CommandIo): Setup {
  let parsed;
  try {
    parsed = parseArgs({
      args: glueValues(args, ['trust-list', 'root', 'at', 'venue']),
      allowPositionals: true,
      options: {
        'trust-list': { type: 'string' },
        root: { type: 'string', multiple: true },
        at: { type: 'string' },
        venue: { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('give exactly one code, or - to read codes from stdin');
  const file = values['trust-list'];
  if (!file) throw new UsageError('missing --trust-list <jws-file>');
  if (!values.root?.length) throw new UsageError('missing --root <kid>:<x>');
  let roots: RootKey[];
  try {
    roots = values.root.map(parseRootArg);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let at: number | null = null;
  if (values.at !== undefined) {
    if (!/^-?\d+$/.test(values.at)) throw new UsageError(`--at should be unix seconds, got "${values.at}"`);
    at = Number(values.at);
  }
  let venue: Readonly<Venue> | null = null;
  if (values.venue !== undefined) {
    try {
      venue = loadVenue(values.venue);
    } catch (e) {
      if (e instanceof VenueError) throw new UsageError(e.message);
      throw e;
    }
  }
  let jws: string;
  try {
    jws = readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new UsageError(`cannot read trust list ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const opened = openTrustList(jws, roots);
  let index: TrustIndex | null = null;
  if (opened.ok) index = opened.index;
  else io.err(`trust list refused (${opened.reason}): ${opened.message}; every signed code will be unknown_key\n`);
  return { index, at, venue, input: positionals[0]! };
}

export async function main(args: string[], io: CommandIo = processIo): Promise<number> {
  let s: Setup;
  try {
    s = setup(args, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`${e.message}\n${USAGE}\n`);
    return 2;
  }
  /** Persons seen in this run (per-person replay across the codes of one stdin stream). */
  const seen = new Map<string, number>();
  // Clock safety without --at (codes.md §6): never earlier than the list's own issued_at.
  const now = () => s.at ?? Math.max(wallClock.now(), s.index?.issuedAt ?? -Infinity);
  const check = (text: string): { line: string; valid: boolean } => {
    const t = now();
    const r = verifyCode(text, s.index, { now: t, skew: SKEW, allowReplay: s.venue ? verifierAllowsReplay(s.venue) : false });
    // Venue checks come after the verifier's (codes.md §5), so a failed code keeps its own reason.
    const out = s.venue && r.valid ? applyVenue(s.venue, text, r, t, s.index, seen) : r;
    return {
      line: JSON.stringify({
        valid: out.valid,
        reason: out.reason,
        family: r.family,
        issuer: r.issuer,
        claimed_issuer: r.claimedIssuer,
        type: r.type,
        claims: r.printed,
        replayed: r.replayed,
      }),
      valid: out.valid,
    };
  };
  if (s.input !== '-') {
    const { line, valid } = check(s.input);
    await io.out(line + '\n');
    return valid ? 0 : 1;
  }
  let allValid = true;
  let out = '';
  for await (const text of inputLines(io.input())) {
    const r = check(text);
    allValid &&= r.valid;
    out += r.line + '\n';
    if (out.length > 65_536) {
      await io.out(out);
      out = '';
    }
  }
  await io.out(out);
  return allValid ? 0 : 1;
}

function applyVenue(venue: Venue, text: string, r: VerifyResult, now: number, index: TrustIndex | null, seen: Map<string, number>) {
  const d = decideVenue(venue, { kind: 'code', text, symbology: null, aim: null }, r, {
    now,
    skew: SKEW,
    trustAge: index ? now - index.issuedAt : null,
    lastSeen: (key) => seen.get(key) ?? null,
  });
  if (d.remember.person) seen.set(d.remember.person.key, d.remember.person.at);
  return { valid: d.accepted, reason: d.reason };
}

/**
 * Longest line kept, in bytes: MAX_CODE_TEXT characters of up to 4 UTF-8 bytes, and a `\r`. A
 * longer line is cut here and the rest skipped up to its `\n`: what is kept is still more than
 * MAX_CODE_TEXT characters, so it gets its one verdict (`malformed`) like any other line.
 */
const MAX_LINE_BYTES = MAX_CODE_TEXT * 4 + 8;

/**
 * Lines split on `\n` only; one trailing `\r` removed; nothing else trimmed (codes.md §6). Each
 * chunk is scanned once, from where the last line ended, and a line never holds more than
 * MAX_LINE_BYTES: linear time, bounded memory, whatever the input.
 */
async function* inputLines(input: AsyncIterable<Buffer>): AsyncGenerator<string> {
  let parts: Buffer[] = [];
  let kept = 0;
  let open = false;
  for await (const chunk of input) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl < 0 ? chunk.length : nl;
      const take = Math.min(end - start, MAX_LINE_BYTES - kept);
      if (take > 0) {
        // A copy: holding a view would keep the whole (possibly huge) chunk alive.
        parts.push(Buffer.from(chunk.subarray(start, start + take)));
        kept += take;
      }
      open = open || end > start;
      if (nl < 0) break;
      yield stripCr(Buffer.concat(parts).toString('utf8'));
      parts = [];
      kept = 0;
      open = false;
      start = nl + 1;
    }
  }
  if (open) yield stripCr(Buffer.concat(parts).toString('utf8'));
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
