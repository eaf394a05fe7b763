// The demo's venue data feeds (docs/feeds.md): for a venue that decides from lists, a few made-up
// holders, imported at every `npm start` (bookings are for today and tomorrow, China time), and
// the banner lines that say how to try an allowed, a refused and an anti-passback case.
import { holderOfCode } from '../../terminal/src/protocol/index.ts';
import { localDay } from '../../terminal/src/scenarios/index.ts';
import type { Venue } from '../../terminal/src/venue/index.ts';

/** Demo holders, by the `sub` of the codes the banner mints. */
export const DEMO_HOLDERS = { member: 'u-demo-member', family: 'u-demo-family', stranger: 'u-demo-stranger' } as const;

/** Feeds to import for the venue, by kind; undefined for a venue without `access`. */
export function demoFeeds(venue: Venue, nowS = Math.floor(Date.now() / 1000)): Record<string, unknown[]> | undefined {
  if (!venue.access) return undefined;
  const out: Record<string, unknown[]> = {};
  const issuer = venue.inputs.codes?.[0]?.issuers?.[0] ?? 'CN-44';
  for (const kind of venue.access.lists) {
    if (kind === 'access') out.access = [{ holder: holderOfCode(issuer, DEMO_HOLDERS.member), valid_until: localDay(nowS + 365 * 86_400) }];
    if (kind === 'bookings') {
      out.bookings = [localDay(nowS), localDay(nowS + 86_400)].map((date) => ({ holder: holderOfCode(issuer, DEMO_HOLDERS.family), date, from: '00:00', to: '24:00', party: 3 }));
    }
  }
  return out;
}

/** How to try the lists from the banner. */
export function demoFeedLines(venue: Venue): string[] {
  if (!venue.access) return [];
  const issuer = venue.inputs.codes?.[0]?.issuers?.[0] ?? 'CN-44';
  const scan = (sub: string) => `npm run -s issuer -- scan --type personal${issuer === 'CN-44' ? '' : ` --issuer ${issuer}`} --sub ${sub}`;
  const allowed = venue.access.lists.includes('access') ? DEMO_HOLDERS.member : DEMO_HOLDERS.family;
  const lines = [
    `lists:  ${venue.access.lists.join(' and ')} imported for this venue (docs/feeds.md)${venue.hours ? '; outside the opening hours every code is refused as outside_hours' : ''}`,
    `  allowed:       ${scan(allowed)}    (${allowed === DEMO_HOLDERS.member ? 'on the access list' : 'booked for today, a party of 3'})`,
  ];
  if (venue.access.lists.includes('bookings') && allowed !== DEMO_HOLDERS.family) lines.push(`  booked:        ${scan(DEMO_HOLDERS.family)}    (a booking for today, a party of 3)`);
  lines.push(`  refused:       ${scan(DEMO_HOLDERS.stranger)}    (not on the list)`);
  if (venue.access.anti_passback_s) lines.push(`  anti-passback: the allowed line again within ${venue.access.anti_passback_s} s    (a fresh code of the same holder)`);
  return lines;
}
