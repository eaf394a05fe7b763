// The unseal audit: one JSON line per opening of sealed personal data (who, when, from where,
// which events, the purpose they stated), appended and fsynced BEFORE the data is sent. The file
// is opened append-only (O_APPEND, mode 0600) and each line carries the SHA-256 of the line
// before it, so an edited or deleted line breaks the chain (verifyAuditChain).
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, readSync, fstatSync, writeSync } from 'node:fs';
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
  constructor(dataDir: string, file = AUDIT_FILE) {
    const path = join(dataDir, file);
    this.fd = openSync(path, 'a', 0o600);
    this.prev = lastLineHash(this.fd);
  }

  /** Appends and fsyncs the record; throws (and the caller sends nothing) when it cannot. */
  append(r: UnsealRecord): void {
    const line = JSON.stringify({ ...r, prev: this.prev });
    writeSync(this.fd, `${line}\n`);
    fsyncSync(this.fd);
    this.prev = sha256(line);
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
export function verifyAuditChain(dataDir: string): { ok: true; records: (UnsealRecord & { prev: string })[] } | { ok: false; line: number } {
  const path = join(dataDir, AUDIT_FILE);
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
