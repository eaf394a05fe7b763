// The demo's appointments (docs/hospital.md): who has booked what for today at a venue with
// `appointments`, derived from the clock at start, and how to try each case from the banner.
import { holderOfCode, holderOfDocument } from '../../terminal/src/protocol/index.ts';
import { localDay } from '../../terminal/src/scenarios/index.ts';
import type { Venue } from '../../terminal/src/venue/index.ts';

export const DEMO_PATIENTS = { booked: 'u-demo-booked', early: 'u-demo-early', late: 'u-demo-late', prescription: 'u-demo-prescription', stranger: 'u-demo-stranger' } as const;
/** The demo's first ID card (`card` at the prompt): its registration is imported once the venue's salt exists. */
export const DEMO_CARD_NUMBER = '440106199003071231';

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** Today's rows, minutes around now (clipped to the day); with `salt`, the demo card's registration too. */
export function demoAppointments(venue: Venue, nowS = Math.floor(Date.now() / 1000), salt: string | null = null): Record<string, unknown[]> | undefined {
  if (!venue.appointments) return undefined;
  const issuer = venue.inputs.codes?.[0]?.issuers?.[0] ?? 'CN-44';
  const date = localDay(nowS);
  const now = Math.floor(((nowS + 8 * 3600) % 86_400) / 60);
  const services = venue.actions.flatMap((a) => (a.do === 'print-ticket' ? [a.service] : []));
  const rows: Record<string, unknown>[] = [];
  const add = (holder: string, from: number, to: number, service: string, number?: string) => {
    const f = Math.max(0, from);
    const t = Math.min(24 * 60, to);
    if (t > f) rows.push({ holder, date, from: hhmm(f), to: hhmm(t), service, ...(number ? { number } : {}) });
  };
  add(holderOfCode(issuer, DEMO_PATIENTS.booked), now - 10, now + 50, services[0]!, '3');
  add(holderOfCode(issuer, DEMO_PATIENTS.early), now + 120, now + 180, services[0]!, '9');
  add(holderOfCode(issuer, DEMO_PATIENTS.late), now - 120, now - 60, services[0]!, '1');
  const pharmacy = services.find((s) => s === '取药');
  if (pharmacy) add(holderOfCode(issuer, DEMO_PATIENTS.prescription), now - 10, now + 240, pharmacy);
  if (salt) add(holderOfDocument(salt, DEMO_CARD_NUMBER), now - 10, now + 50, services[1] ?? services[0]!, '5');
  return { appointments: rows };
}

export function demoAppointmentLines(venue: Venue): string[] {
  if (!venue.appointments) return [];
  const scan = (sub: string) => `npm run -s issuer -- scan --type personal${venue.scope ? ` --scope ${venue.scope}` : ''}${venue.require?.attributes.includes('name') ? ' --name 张小明' : ''} --sub ${sub}`;
  const lines = [
    'appointments: today\'s imported for this venue around the time you started (docs/hospital.md); the hall window page calls them first',
    `  on time:      ${scan(DEMO_PATIENTS.booked)}    (again: already signed in, with the number)`,
    `  too early:    ${scan(DEMO_PATIENTS.early)}    (told when to come back)`,
    `  late:         ${scan(DEMO_PATIENTS.late)}    (placed by the venue's late rule)`,
  ];
  if (venue.actions.some((a) => a.do === 'print-ticket' && a.service === '取药')) lines.push(`  pharmacy:     ${scan(DEMO_PATIENTS.prescription)}    (a paid prescription: the 取药 queue)`);
  lines.push(`  no booking:   ${scan(DEMO_PATIENTS.stranger)}    (${{ refuse: 'refused: no registration today', pick: 'the kiosk offers the departments: tap one, then scan again for a walk-in number', ticket: 'a normal ticket' }[venue.appointments.walk_ins ?? 'ticket']})`);
  if (venue.inputs.idcard) lines.push('  ID card:      type "card": its registration was imported once the venue\'s salt existed');
  return lines;
}
