// The demo's library system for a venue with `loans` and an ILS (docs/library.md): the SIP2 server
// of scripts/sim on the host and port the venue file names, one reader who is registered and a few
// books, and the banner lines that say how to borrow, return, and see a loan queued offline.
import { relative } from 'node:path';
import { createInterface } from 'node:readline';
import { holderOfCode } from '../../terminal/src/protocol/index.ts';
import type { Venue } from '../../terminal/src/venue/index.ts';
import { Sip2Server } from '../sim/index.ts';
import { REPO } from './processes.ts';

export const DEMO_READER = 'u-demo-reader';
const BOOKS = { '9787020002207': 'Dream of the Red Chamber', '9787544253994': 'To Live', 'GZ0001234': 'Atlas of Guangdong (reference)' } as const;

/** Starts the library's SIP2 server when the venue names one on this machine; null otherwise. */
export async function startDemoIls(venue: Venue): Promise<Sip2Server | null> {
  const ils = venue.loans?.ils;
  if (!ils || !['127.0.0.1', 'localhost'].includes(ils.host)) return null;
  const issuer = venue.inputs.codes?.[0]?.issuers?.[0] ?? 'CN-44';
  const items = Object.fromEntries(Object.entries(BOOKS).map(([code, title]) => [code, { title, out: null, reference: code.startsWith('GZ') }]));
  return new Sip2Server({ port: ils.port, institution: ils.institution, users: { [ils.user]: ils.password }, patrons: { [holderOfCode(issuer, DEMO_READER)]: {} }, items }).listen();
}

/** How to try the loans from the banner. */
export function demoLibraryLines(venue: Venue, scannerPeer: string, ils: Sip2Server | null): string[] {
  const loans = venue.loans;
  if (!loans) return [];
  const peer = relative(REPO, scannerPeer).startsWith('..') ? scannerPeer : relative(REPO, scannerPeer);
  const book = (code: string) => `printf '${code}\\r' > ${peer}`;
  const lines = [
    `loans:  ${loans.mode === 'checkout' ? 'a reader\'s code opens a loan session, then each book\'s barcode is a loan' : 'each book\'s barcode is a return'} (docs/library.md)`,
  ];
  if (loans.mode === 'checkout') lines.push(`  reader:  npm run -s issuer -- scan --type personal --sub ${DEMO_READER}    (registered with the library)`);
  lines.push(`  book:    ${book('9787020002207')}    (EAN-13; ${book('9787020002208')} has a wrong check digit)`);
  if (loans.mode === 'checkout') lines.push(`  refused: ${book('GZ0001234')}    (a reference copy the library does not lend); the kiosk's finish button ends the session`);
  lines.push(
    ils
      ? `  ILS:     SIP2 server on ${loans.ils!.host}:${ils.port} (scripts/sim/sip2-server.ts); type "ils off" here and loans are queued offline, "ils on" and they are sent`
      : `  ILS:     ${loans.ils ? `SIP2 at ${loans.ils.host}:${loans.ils.port}; while it is away loans are queued` : 'none: loans are recorded as events only'}`,
  );
  return lines;
}

/** `ils off` / `ils on` typed in the demo's shell stop and restart the library system on its port. */
export function ilsSwitch(ils: Sip2Server): void {
  createInterface({ input: process.stdin }).on('line', (line) => {
    const l = line.trim();
    if (l === 'ils off') void ils.close().then(() => console.log('ILS:    stopped: loans are queued on the terminal'));
    else if (l === 'ils on') void ils.listen().then(() => console.log('ILS:    back: queued loans are sent at the next retry'), (e: Error) => console.error(`ILS: ${e.message}`));
    else if (l) console.log('type "ils off" or "ils on"');
  });
}
