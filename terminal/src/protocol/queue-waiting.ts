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
}
