// The file adapter for hotels not connected to the police network: one file per venue and local
// day (Asia/Shanghai), `<dir>/<venue>/<YYYY-MM-DD>.json`, the day's reports as one JSON document
// the hotel hands over. Each report rewrites the file atomically (temporary file, fsync, rename,
// fsync of the folder), so a kill leaves the old file or the new one, never half of one; a report
// already in the file (a resend after a crash) is not added again.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { PoliceDocument } from './document.ts';
import type { GatewayAnswer, PoliceGateway } from './gateway.ts';
import { venueDay } from '../venue-time.ts';

export const BATCH_FORMAT = 'yss-police-batch/1';
const VENUE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export interface Batch {
  format: typeof BATCH_FORMAT;
  venue: string;
  day: string;
  reports: PoliceDocument[];
}

/** The venues' local day of an ISO instant. */
export const chinaDay = (iso: string) => venueDay(Date.parse(iso));

export class FileBatchGateway implements PoliceGateway {
  readonly kind = 'file';
  constructor(private readonly dir: string) {}

  fileOf(venue: string, day: string): string {
    return join(this.dir, venue, `${day}.json`);
  }

  async send(doc: PoliceDocument): Promise<GatewayAnswer> {
    if (!VENUE.test(doc.venue)) return { outcome: 'rejected', reason: `venue name ${JSON.stringify(doc.venue.slice(0, 64))} cannot name a batch file` };
    const day = chinaDay(doc.at);
    const folder = join(this.dir, doc.venue);
    const file = this.fileOf(doc.venue, day);
    try {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      const batch: Batch = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Batch) : { format: BATCH_FORMAT, venue: doc.venue, day, reports: [] };
      if (batch.reports.some((r) => r.id === doc.id)) return { outcome: 'accepted', duplicate: true };
      batch.reports.push(doc);
      const tmp = `${file}.${process.pid}.tmp`;
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, `${JSON.stringify(batch, null, 1)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
      const dfd = openSync(folder, 'r');
      try {
        fsyncSync(dfd);
      } finally {
        closeSync(dfd);
      }
      return { outcome: 'accepted', duplicate: false };
    } catch (e) {
      // A full disk or a damaged file: kept pending and retried; the error says which file.
      return { outcome: 'unavailable', reason: `${file}: ${(e as Error).message}`.slice(0, 200) };
    }
  }
}
