// The appointment's place in the hall's calling order is wire data: the allocator reads it too.
import type { AppointmentPlacement } from '../protocol/index.ts';
export type { AppointmentPlacement, PlacementRule } from '../protocol/index.ts';

/** What was read: a signed code family, or an ID card / MRZ. */
export type Source = 'YSS1' | 'HC1' | 'idcard' | 'mrz' | 'other';

/** Only what the screen may show: a masked name, never a full ID number. */
export interface Display {
  name_masked?: string;
  health?: 'green' | 'yellow' | 'red';
  credential_type?: string;
  /** First and last 4 characters of an e-certificate's number. */
  credential_no_masked?: string;
  holder_masked?: string;
  issuer_name?: string;
  valid_until?: string;
  /** What a library reader owes, as the library system said (`¥12.50`; docs/library.md). */
  owed?: string;
}

/** A side effect a decision produces, carried out once its event is committed. */
export type Effect =
  | {
      kind: 'ticket';
      number: string;
      service: string;
      /**
       * Tickets issued earlier today for this service, where the machine knows it (its own counter,
       * `numbers: machine`). Absent for hall numbers: the hall's other machines issue from their own
       * blocks, so the number says nothing about how many were issued before it.
       */
      issued_today?: number;
      /**
       * Served ahead of the normal queue: `elderly` from the holder's age (venue `elderly_age`);
       * `appointment`, an appointment holder signed in for their slot (venue `appointments.first`).
       */
      priority?: 'elderly' | 'appointment';
      /** An appointment's sign-in (venue `appointments`, docs/hospital.md): how the hall places the ticket. */
      appointment?: AppointmentPlacement;
      /**
       * Hall numbers: people waiting ahead in the hall when it was taken, and the estimated wait
       * (minutes), from the hall's last answer; absent when the hall did not answer lately (docs/hall.md).
       */
      ahead?: number;
      eta_minutes?: number;
      /** The category's average service time (venue `service_minutes`): the hall's ETA until it learns its own (docs/hall.md). */
      service_minutes?: number;
      /** The ticket's id in the whole hall, `<venue>/<day>/<number>` (hall numbers only): printed as a QR. */
      id?: string;
      /** Issued although the person had an active number in the category: staff overrode print-ticket `one_active`. */
      override?: 'one_active';
    }
  /** A relay to pulse; what it actually did is recorded afterwards as a `gate` event. */
  | { kind: 'gate'; relay: string; pulse_ms: number; pass_sensor?: string; grant_s?: number; /** With a pass sensor: `waiting` for the passage, or `sensor_offline` (counted at once). */ grant?: 'waiting' | 'sensor_offline' }
  /** A keypad step follows; `in_house` when the reading's guest is already in a stay (check-out by scan). */
  | { kind: 'registration'; room?: string; guests?: number; in_house?: { room: string; guest_id: number } }
  /**
   * An item lent (`checkout`) or returned (`checkin`) at a library terminal (venue `loans`): `ils`
   * is `done` when the library system recorded it, `queued` when it was away and the terminal will
   * send it later, `none` without a library system. `count`: items lent in this session so far.
   */
  | { kind: 'loan'; op: 'checkout' | 'checkin'; item: string; ils: 'done' | 'queued' | 'none'; title?: string; due?: string; count?: number }
  /** A meeting sign-in (venue `attendance`): `signed_in` by this scan, or `already` at `at` (`HH:MM`, China time) by an earlier one. */
  | { kind: 'attendance'; meeting: string; status: 'signed_in' | 'already'; late: boolean; at: string };
