// The simulated devices a venue needs, derived from the venue file alone: a scanner always, an
// ID-card reader and an MRZ reader for the documents it takes, a ticket printer for print-ticket,
// and each relay and pass sensor its open-gate actions name. Used by `npm start -- --venue` and the venue tests.
import { join, resolve } from 'node:path';
import { loadVenue, type Venue } from '../../terminal/src/venue/index.ts';
import type { MintOptions } from '../issuer/mint.ts';
import type { StackDevice } from './stack.ts';
import { holderOfCode } from '../../terminal/src/protocol/index.ts';
import { endOfLocalDay, localDay, localIso, localWeekMinute } from '../../terminal/src/scenarios/index.ts';
import { hhmm } from './local-day.ts';

/** The holder of every accepted code the tests and screenshots mint, on the venues' access lists. */
export const VISITOR = 'u-visitor-1';

/**
 * A venue's demo feeds for tests: the visitor and a campus student on its access list (docs/feeds.md);
 * for a meeting, both on the roster of a meeting starting this minute (China time) of `nowS`.
 */
export function feedsFor(v: Venue, nowS = Math.floor(Date.now() / 1000)): Record<string, unknown[]> | undefined {
  if (!v.access && !v.attendance && !v.appointments) return undefined;
  const out: Record<string, unknown[]> = {};
  for (const kind of v.access?.lists ?? []) out[kind] = kind === 'access' ? [VISITOR, 'u-student-1'].map((sub) => ({ holder: holderOfCode('CN-44', sub) })) : [];
  const startsAt = localIso(nowS).slice(0, 16);
  if (v.appointments) {
    // The visitor has an appointment for the hour from 10 minutes ago, with the venue's first
    // ticket's service. Slots are written in the venue's local day, so an hour across midnight is
    // two rows, one each side: a test that starts at 23:59 and scans at 00:01 still finds it.
    const service = v.actions.find((a) => a.do === 'print-ticket')?.service ?? '';
    out.appointments = localSlots(nowS - 600, nowS + 3000).map((s) => ({ holder: holderOfCode('CN-44', VISITOR), ...s, service, number: '1' }));
  }
  if (v.attendance) out.roster = [VISITOR, 'u-student-1'].map((sub, i) => ({ holder: holderOfCode('CN-44', sub), meeting: 'board-meeting', starts_at: startsAt, name_masked: ['陈*文', '李*'][i] }));
  return out;
}

/** The slots (`date`, `from`, `to` at the venue) covering unix seconds [fromS, toS), split at local midnight. */
export function localSlots(fromS: number, toS: number): { date: string; from: string; to: string }[] {
  const out: { date: string; from: string; to: string }[] = [];
  for (let s = fromS; s < toS; ) {
    const date = localDay(s);
    const dayEnd = endOfLocalDay(date) + 1;
    const end = Math.min(toS, dayEnd);
    // The end widened to a whole minute (the zone's offset is whole minutes); a day's last slot ends at 24:00.
    const to = end === dayEnd ? 24 * 60 : localWeekMinute(end).minute + (end % 60 ? 1 : 0);
    out.push({ date, from: hhmm(localWeekMinute(s).minute), to: hhmm(to) });
    s = end;
  }
  return out;
}

/**
 * The venue as the every-venue tests drive it: open all week (the daemon judges hours by the real
 * clock), and without a library system on a fixed port of this machine, which another process may
 * hold (the ILS is tested on its own port in terminal/test/library-loans.test.ts).
 */
export function drivenVenue(v: Venue): Venue {
  const { ils: _ils, ...loans } = v.loans ?? { mode: 'checkout' as const };
  return { ...v, ...(v.hours ? { hours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }] } : {}), ...(v.loans ? { loans } : {}) };
}

export const VENUES_DIR = resolve(import.meta.dirname, '..', '..', 'fixtures', 'venues');

/** `fixtures/venues/<name>.json`, validated; throws VenueError listing every problem. */
export function venueFile(name: string): string {
  return join(VENUES_DIR, `${name}.json`);
}

export function loadShippedVenue(name: string): Readonly<Venue> {
  return loadVenue(venueFile(name));
}

/** Terminal `devices[]` entries besides the scanner, without `path` (the stack adds it). */
export function venueDevices(venue: Venue, o: { statusPollMs?: number } = {}): StackDevice[] {
  const out: StackDevice[] = [];
  if (venue.inputs.idcard) out.push({ id: 'idcard-1', role: 'idcard', kind: 'ga467-reader', baud: 115200, poll_ms: 100 });
  if (venue.inputs.mrz) out.push({ id: 'mrz-1', role: 'mrz', kind: 'mrz-reader', baud: 9600 });
  if (venue.actions.some((a) => a.do === 'print-ticket')) {
    out.push({ id: 'printer-1', role: 'printer', kind: 'escpos-printer', baud: 9600, ...(o.statusPollMs === undefined ? {} : { status_poll_ms: o.statusPollMs }) });
  }
  const relays = new Set(venue.actions.flatMap((a) => (a.do === 'open-gate' ? [a.relay] : [])));
  let channel = 1;
  for (const id of relays) out.push({ id, role: 'relay', kind: 'serial-relay', baud: 9600, board: 'lcus', channel: channel++ });
  const sensors = new Set(venue.actions.flatMap((a) => (a.do === 'open-gate' && a.pass_sensor ? [a.pass_sensor] : [])));
  for (const id of sensors) out.push({ id, role: 'sensor', kind: 'serial-pass-sensor', baud: 9600 });
  return out;
}

/** Mint options for a code the venue takes: its first code input, with what it requires. */
export function acceptedCode(v: Venue, keys: string, now: number, sub: string = VISITOR): MintOptions | null {
  const input = v.inputs.codes?.find((c) => c.type !== 'hcert');
  if (!input) return null;
  const o: MintOptions = { keys, type: input.type, issuer: input.issuers?.[0] ?? 'CN-44', at: now, sub };
  if (v.scope) o.scope = [v.scope];
  if (input.type === 'health') o.health = v.health?.statuses[0] ?? 'green';
  const need = new Set(v.require?.attributes ?? []);
  if (input.type === 'personal') {
    o.name = '陈大文';
    o.subject = { doc_type: 'CN-RIC', doc_no: '440106199001011234', birth_date: '1990-01-01', sex: 'M', nationality: 'CHN' };
  }
  if (input.type === 'credential') {
    o.credential = { type: input.credential_types?.[0] ?? 'resident-id', no: '440106199001011234', holder: '陈大文', issuer_name: '广州市公安局', valid_from: '2020-01-01', valid_until: '2099-01-01' };
    if (need.has('name') || need.has('doc_no')) {
      o.name = '陈大文';
      o.subject = { doc_type: 'CN-RIC', doc_no: '440106199001011234' };
    }
  }
  return o;
}

/** How to present each input the venue takes, for the demo's banner. */
export function presentLines(venue: Venue): string[] {
  const lines: string[] = [];
  for (const c of venue.inputs.codes ?? []) {
    const issuers = c.issuers ?? ['CN-44'];
    const opts = [
      `--type ${c.type}`,
      issuers[0] !== 'CN-44' ? `--issuer ${issuers[0]}` : '',
      c.type === 'health' ? `--health ${venue.health?.statuses[0] ?? 'green'}` : '',
      c.type === 'credential' ? `--credential-type ${c.credential_types?.[0] ?? 'resident-id'} --credential-no 440106199001011234 --holder 张小明 --valid-until 2035-01-01 --issuer-name 广州市公安局` : '',
      c.type === 'personal' && venue.scope ? `--scope ${venue.scope}` : '',
      c.type === 'personal' && venue.require ? subjectOptions(venue) : '',
    ].filter(Boolean);
    if (c.type === 'hcert') lines.push(`scan:   an EU DCC: npm run -s sim -- scanner, then paste an HC1: code`);
    else lines.push(`scan:   npm run -s issuer -- scan ${opts.join(' ')}    (${c.type} code from ${issuers.join(', ')})`);
  }
  if (venue.inputs.idcard) lines.push(`idcard: type "card" (or "card2", "expired") and Enter here    (places a resident ID card on the simulated GA 467 reader)`);
  if (venue.inputs.mrz) lines.push(`mrz:    type "passport" and Enter here    (swipes a passport through the simulated MRZ reader)`);
  return lines;
}

function subjectOptions(venue: Venue): string {
  const need = new Set(venue.require?.attributes ?? []);
  const parts = ['--name 张小明'];
  if (need.has('doc_type') || need.has('doc_no')) parts.push('--doc-type CN-RIC --doc-no 440106199001011234');
  if (need.has('birth_date')) parts.push('--birth-date 1990-01-01');
  if (need.has('sex')) parts.push('--sex M');
  if (need.has('nationality')) parts.push('--nationality CHN');
  return parts.join(' ');
}
