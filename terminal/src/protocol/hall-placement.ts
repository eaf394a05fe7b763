// What an appointment ticket tells the hall's calling order: written by the ticket machine
// (terminal/src/venue/appointments.ts, from the venue's `appointments` section) into the ticket's
// `appointment` effect, read by the allocator (sync-service/src/storage/activity.ts, hall-queue.ts).

/** Where a late arrival or a missed call rejoins the queue (venue `appointments.late` and `.missed`): as a ticket taken then, at the end of the session, or after the first `n` waiting. */
export type PlacementRule = { place: 'normal' } | { place: 'end' } | { place: 'insert_after'; n: number };

export interface AppointmentPlacement {
  /** The booked slot, `HH:MM-HH:MM`. */
  slot: string;
  /** The feed's registration number (挂号序号), when it has digits (按挂号号序). */
  reg?: number;
  /** Signed in after the slot's end and the venue's grace. */
  late: boolean;
  /** Appointment holders go ahead of everyone (预约永优先). */
  first: boolean;
  /** Among appointment holders: by registration number or by the time they signed in. */
  order: 'registration' | 'sign_in';
  late_rule: PlacementRule;
  missed_rule: PlacementRule;
}
