// The unseal audit: one JSON line per opening of sealed personal data (who, when, from where,
// which events, the purpose they stated), appended and fsynced BEFORE the data is sent. The file
// is opened append-only (O_APPEND, mode 0600) and each line carries the SHA-256 of the line
// before it, so an edited or deleted line breaks the chain (verifyAuditChain).
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, readSync, fstatSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface UnsealRecord {
  at: number;
  operator: string;
  address: string;
  terminal_id: string;
  /** Sequences of the events whose seal was opened (events without sealed data are not listed). */
  seqs: number[];
  /** Sequences whose seal did not open. */
  unopened: number[];
  purpose: string;
}

export const AUDIT_FILE = 'unseal-audit.jsonl';
const GENESIS = '0'.repeat(64);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export class UnsealAudit {
  private readonly fd: number;
  private prev: string;

  /** `file`: the chain's name in dataDir (one per node process when several nodes share it). */
  constructor(
    readonly dataDir: string,
    file = AUDIT_FILE,
  ) {
    const path = join(dataDir, file);
    // O_APPEND for writes, and readable: the last line's hash is read from it (a write-only fd
    // cannot, and a restart on a non-empty chain failed with EBADF).
    this.fd = openSync(path, 'a+', 0o600);
    this.prev = lastLineHash(this.fd);
  }

  /** Appends and fsyncs the record; throws (and the caller sends nothing) when it cannot. */
  append(r: UnsealRecord): void {
    const line = JSON.stringify({ ...r, prev: this.prev });
    writeSync(this.fd, `${line}\n`);
    fsyncSync(this.fd);
    this.prev = sha256(line);
  }

  /** Every chain in the folder (other nodes' included), verified, and the newest records. */
  read(limit: number): ReturnType<typeof readAudit> {
    return readAudit(this.dataDir, limit);
  }

  close(): void {
    closeSync(this.fd);
  }
}

function lastLineHash(fd: number): string {
  const size = fstatSync(fd).size;
  if (size === 0) return GENESIS;
  const n = Math.min(size, 1 << 20);
  const buf = Buffer.alloc(n);
  readSync(fd, buf, 0, n, size - n);
  const lines = buf.toString('utf8').split('\n').filter(Boolean);
  return sha256(lines[lines.length - 1]!);
}

/** Checks every line links to the one before; returns the records, or the first broken line. */
export function verifyAuditChain(dataDir: string, file = AUDIT_FILE): { ok: true; records: (UnsealRecord & { prev: string })[] } | { ok: false; line: number } {
  const path = join(dataDir, file);
  if (!existsSync(path)) return { ok: true, records: [] };
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  let prev = GENESIS;
  const records: (UnsealRecord & { prev: string })[] = [];
  for (const [i, line] of lines.entries()) {
    let r: UnsealRecord & { prev: string };
    try {
      r = JSON.parse(line) as UnsealRecord & { prev: string };
    } catch {
      return { ok: false, line: i + 1 };
    }
    if (r.prev !== prev) return { ok: false, line: i + 1 };
    records.push(r);
    prev = sha256(line);
  }
  return { ok: true, records };
}

/** An audit chain as the admin page reports it: its file, whether it verifies, and its length. */
export interface AuditChain {
  file: string;
  ok: boolean;
  records: number;
  /** The first line that does not link to the one before, when `ok` is false. */
  broken_at?: number;
}

/**
 * Every audit chain in dataDir (one, or one per node process with PostgreSQL), each verified, and
 * their newest `limit` records merged, newest first. A chain that does not verify is reported, and
 * its records are left out rather than shown as if they could be trusted.
 */
export function readAudit(dataDir: string, limit: number): { chains: AuditChain[]; records: (UnsealRecord & { file: string })[] } {
  const files = readdirSync(dataDir).filter((f) => /^unseal-audit.*\.jsonl$/.test(f)).sort();
  const chains: AuditChain[] = [];
  const records: (UnsealRecord & { file: string })[] = [];
  for (const file of files) {
    const r = verifyAuditChain(dataDir, file);
    if (!r.ok) {
      chains.push({ file, ok: false, records: 0, broken_at: r.line });
      continue;
    }
    chains.push({ file, ok: true, records: r.records.length });
    for (const { prev: _prev, ...rec } of r.records) records.push({ ...rec, file });
  }
  records.sort((a, b) => b.at - a.at);
  return { chains, records: records.slice(0, limit) };
}
