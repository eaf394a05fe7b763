// The hall's waiting queue as GET /v1/queue/waiting gives it, per category (docs/hall.md).

export interface WaitingCategory {
  /** Numbers waiting in the category. */
  waiting: number;
  /** Minutes one service takes, learned from the day or configured. */
  minutes_per_person: number;
  /** Of those waiting, appointment holders called before everyone (docs/hospital.md); absent from an older service. */
  first?: number;
  /** Numbers completed or missed today: a machine's one-active-number record lets them go. */
  finished?: string[];
  /** Tickets active in the category under `one_active`, by the person's token of the day: a second is refused at any machine (docs/hall.md). */
  active?: { person: string; number: string }[];
  /** Appointment sign-ins of the day under `one_per_day`, by the person's token; `at` unix ms (docs/hospital.md). */
  signed_in?: { person: string; number: string; at: number }[];
}
