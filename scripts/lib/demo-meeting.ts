// The demo's meeting roster for a venue with `attendance` (docs/meetings.md): three made-up holders
// on two meetings around the demo's start (one starting now, one that started 10 minutes ago, so a
// sign-in is late), imported through the service at every `npm start`, and the banner lines.
import { holderOfCode } from '../../terminal/src/protocol/index.ts';
import type { Venue } from '../../terminal/src/venue/index.ts';

export const DEMO_ATTENDEES = { onTime: 'u-demo-attendee', late: 'u-demo-latecomer', absent: 'u-demo-absent' } as const;

/** `YYYY-MM-DDTHH:MM`, China time. */
const minute = (s: number) => new Date((s + 8 * 3600) * 1000).toISOString().slice(0, 16);

/** The roster to import, by kind; undefined for a venue without `attendance`. */
export function demoRoster(venue: Venue, nowS = Math.floor(Date.now() / 1000)): Record<string, unknown[]> | undefined {
  if (!venue.attendance) return undefined;
  const issuer = venue.inputs.codes?.[0]?.issuers?.[0] ?? 'CN-44';
  return {
    roster: [
      { holder: holderOfCode(issuer, DEMO_ATTENDEES.onTime), meeting: 'weekly-board', starts_at: minute(nowS + 60), name_masked: '陈*文' },
      { holder: holderOfCode(issuer, DEMO_ATTENDEES.absent), meeting: 'weekly-board', starts_at: minute(nowS + 60), name_masked: '王*' },
      { holder: holderOfCode(issuer, DEMO_ATTENDEES.late), meeting: 'budget-review', starts_at: minute(nowS - 600), name_masked: '李*红' },
    ],
  };
}

export function demoRosterLines(venue: Venue): string[] {
  if (!venue.attendance) return [];
  const scan = (sub: string) => `npm run -s issuer -- scan --type personal --sub ${sub}`;
  return [
    'roster: two meetings imported for this venue, one starting in a minute, one that started 10 minutes ago (docs/meetings.md)',
    `  on time:      ${scan(DEMO_ATTENDEES.onTime)}    (again: "already signed in at …")`,
    `  late:         ${scan(DEMO_ATTENDEES.late)}`,
    `  not invited:  ${scan('u-demo-stranger')}`,
    '  summary:      the staff panel (PIN below) lists present, late and absent per meeting',
  ];
}
