// The daemon's one pino root. Personal data never reaches a log line: these paths are censored
// wherever they appear, and code text is logged only as a short hash.
import { createHash } from 'node:crypto';
import pino, { type Logger } from 'pino';

const REDACT = ['name', 'name_en', 'id_number', 'doc_no', 'birth_date', 'address', 'photo', 'text', 'code', 'subject', 'card', 'personal', 'mrz', 'lines'];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { component: 'terminal' },
      redact: { paths: [...REDACT, ...REDACT.map((p) => `*.${p}`)], censor: '[redacted]' },
    },
    destination,
  );
}

/** A short, non-reversible reference to a scanned text for logs. */
export function textRef(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 10);
}
