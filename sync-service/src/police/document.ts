// The police report document (format yss-police-report/1, docs/police.md): what a gateway adapter
// hands on. Built from the report row, the guest_in body and the few sealed fields it needs.
import type { PoliceReport } from '../storage/types.ts';

export const POLICE_FORMAT = 'yss-police-report/1';

/** The sealed fields a report opens: the guest's identity, and a foreign guest's entry details. Nothing else leaves the seal. */
export const POLICE_FIELDS = ['name', 'doc_type', 'doc_no', 'nationality', 'visa_type', 'visa_no', 'entry_date', 'entry_port'] as const;
export type PoliceField = (typeof POLICE_FIELDS)[number];

export interface PoliceDocument {
  format: typeof POLICE_FORMAT;
  /** Idempotency key: `<terminal_id>/<seq>` of the event that made the report; a resend carries the same. */
  id: string;
  kind: PoliceReport['kind'];
  venue: string;
  terminal_id: string;
  /** When it happened (the terminal's trusted time), ISO 8601 UTC. */
  at: string;
  /** When the police must have it, ISO 8601 UTC. */
  deadline: string;
  stay: { id: number; room: string | null; arrival: string | null; departure: string | null; head_count: number | null };
  guest: { id: number; main: boolean | null; category: string | null } & Partial<Record<PoliceField, string>>;
  /** For a correction: the id of the rejected report it replaces. */
  corrects?: string;
}

/** The report's key, as the gateway sees it. */
export const reportId = (r: Pick<PoliceReport, 'terminal_id' | 'seq'>) => `${r.terminal_id}/${r.seq}`;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const int = (v: unknown): number | null => (Number.isSafeInteger(v) ? (v as number) : null);

/** Only the POLICE_FIELDS of opened records, strings only, later ones (details, corrections) overriding earlier. */
export function pickFields(...opened: (Record<string, unknown> | null)[]): Partial<Record<PoliceField, string>> {
  const out: Partial<Record<PoliceField, string>> = {};
  for (const rec of opened) {
    if (!rec) continue;
    for (const f of POLICE_FIELDS) if (typeof rec[f] === 'string') out[f] = rec[f] as string;
  }
  return out;
}

/** `checkIn`: the body of the guest's guest_in event (room, days, head count, main, category). */
export function policeDocument(r: PoliceReport, checkIn: Record<string, unknown> | null, fields: Partial<Record<PoliceField, string>>): PoliceDocument {
  const b = checkIn ?? {};
  return {
    format: POLICE_FORMAT,
    id: reportId(r),
    kind: r.kind,
    venue: r.venue,
    terminal_id: r.terminal_id,
    at: new Date(r.at).toISOString(),
    deadline: new Date(r.deadline_at).toISOString(),
    stay: { id: r.stay_id, room: str(b.room), arrival: str(b.arrival), departure: str(b.departure), head_count: int(b.head_count) },
    guest: { id: r.guest_id, main: typeof b.main === 'boolean' ? b.main : null, category: str(b.category), ...fields },
    ...(r.corrects !== null ? { corrects: reportId({ terminal_id: r.terminal_id, seq: r.corrects }) } : {}),
  };
}
