// The devices a venue cannot work without, by role (and the relay a gate names): what a trial of
// a pushed venue waits for (docs/config-push.md).
import type { DeviceHealth } from '../devices/index.ts';
import type { Venue } from '../venue/index.ts';

export interface Need {
  /** What people read: "a scanner", "relay relay-1". */
  what: string;
  met(devices: readonly DeviceHealth[]): boolean;
}

const connected = (d: DeviceHealth) => d.state === 'connected';

function role(role: DeviceHealth['role'], what: string): Need {
  // A camera scanner is the kiosk page's camera: connected once the page opens it, so it counts as present.
  return { what, met: (ds) => ds.some((d) => d.role === role && (connected(d) || d.kind === 'camera-scanner')) };
}

export function venueNeeds(v: Readonly<Venue>): Need[] {
  const needs: Need[] = [];
  if (v.inputs.codes?.length) needs.push(role('scanner', 'a scanner'));
  if (v.inputs.idcard) needs.push(role('idcard', 'an ID-card reader'));
  if (v.inputs.mrz) needs.push(role('mrz', 'an MRZ reader'));
  if (v.actions.some((a) => a.do === 'print-ticket')) needs.push(role('printer', 'a ticket printer'));
  for (const a of v.actions) {
    if (a.do === 'open-gate') needs.push({ what: `relay ${a.relay}`, met: (ds) => ds.some((d) => d.id === a.relay && connected(d)) });
  }
  return needs;
}

/** What `next` needs that `before` did not: a trial waits only for these, so a push is not blamed for a cable pulled under the old venue too. */
export function newNeeds(next: Readonly<Venue>, before: Readonly<Venue>): Need[] {
  const had = new Set(venueNeeds(before).map((n) => n.what));
  return venueNeeds(next).filter((n) => !had.has(n.what));
}
