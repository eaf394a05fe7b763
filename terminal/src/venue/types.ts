// Generated from schema.ts by `npx tsx scripts/gen-venue-docs.ts`; do not edit.
// venue-schema.test.ts fails when this file and the schema differ.

/** The same words in each kiosk language. */
export type Localized = {
  readonly 'zh-CN': string;
  readonly 'zh-HK': string;
  readonly en: string;
};

/** A refusal in words: why, and what to do next. */
export type Words = {
  /** Why the reading was refused. */
  readonly reason: Localized;
  /** What the person should do now. */
  readonly next: Localized;
};

/** A refusal reason (docs/verification.md and the venue reasons below). */
export type Reason = 'malformed' | 'unsupported_alg' | 'unknown_key' | 'alg_mismatch' | 'issuer_mismatch' | 'key_revoked' | 'key_not_valid' | 'type_not_allowed' | 'bad_signature' | 'not_yet_valid' | 'expired' | 'lifetime_too_long' | 'revoked' | 'replayed' | 'issuer_not_accepted' | 'authorization_required' | 'health_status' | 'trust_list_too_old' | 'not_a_code' | 'id_number_invalid' | 'document_expired' | 'input_not_accepted' | 'identity_required' | 'health_status_unknown' | 'health_status_stale' | 'outside_hours' | 'numbers_unavailable' | 'daily_cap_reached' | 'category_closed' | 'already_in_queue' | 'not_on_list' | 'access_not_yet_valid' | 'access_expired' | 'wrong_slot' | 'slot_full' | 'day_full' | 'anti_passback' | 'feed_too_old' | 'item_barcode_invalid' | 'loan_no_session' | 'loan_limit' | 'patron_unknown' | 'ils_refused' | 'not_on_roster' | 'meeting_not_open' | 'no_appointment' | 'too_early' | 'already_signed_in' | 'department_needed';

/** Who may pass, decided offline from the venue's data feeds (docs/feeds.md). A reading the rest of the policy accepts must also name a holder on one of `lists`, or it is refused (`not_on_list`, `access_not_yet_valid`, `access_expired`, `outside_hours`, `wrong_slot`); then anti-passback and capacity are checked (`anti_passback`, `slot_full`, `day_full`). */
export type Access = {
  /** Feeds that admit: `access` (the access list, with validity dates, weekdays and up to three time segments a day) and `bookings` (a booking for the slot running now). With both, either admits. */
  readonly lists: readonly ('access' | 'bookings')[];
  /** Refuse to decide (`feed_too_old`) when a listed feed was last confirmed current by the service longer ago than this, seconds, or was never received. Absent: a feed of any age is used, and only a missing one refuses. */
  readonly max_feed_age_s?: number;
  /** After a holder is admitted, the same holder is refused (`anti_passback`) for this many seconds. Absent: no anti-passback. */
  readonly anti_passback_s?: number;
  /** Scanners (device ids of the terminal config) that read people out (docs/feeds.md#entry-and-exit-readers); every other scanner reads them in. An exit needs the holder inside (else `anti_passback`) and is not checked against the lists; an entry needs the holder outside (entered, then exited), in place of `anti_passback_s`. The terminal counts who is inside (`occupancy` in each passage event). */
  readonly exit_readers?: readonly string[];
  /** How long before a booked slot starts its holder may enter, seconds. Default: `0`. */
  readonly early_s?: number;
  /** People admitted, counted on this terminal (a group booking counts its `party`). A booking's slot holds the smaller of `per_slot` and the booking's `slot_capacity`; beyond it `slot_full`. Beyond `per_day` `day_full`. */
  readonly capacity?: {
    /** People per booked slot. */
    readonly per_slot?: number;
    /** People per day, whatever admitted them. */
    readonly per_day?: number;
    /** Share each booked slot among the venue's terminals (docs/feeds.md#capacity-shares): each terminal admits into a slot only within the share the sync service granted it (reported and rebalanced with every heartbeat), so gates deciding offline together never overfill it by more than `slack`. A terminal that has no share of a slot yet refuses it `slot_full`. Without `shares` each terminal counts the slot alone. */
    readonly shares?: {
      /** People a slot may hold beyond its capacity, across all the venue's terminals (split among them by the service). */
      readonly slack: number;
    };
  };
};

/** What the venue takes. An input not listed is refused as `input_not_accepted` (codes: `type_not_allowed`, `issuer_not_accepted`). */
export type Inputs = {
  /** Signed codes taken, one entry per type. */
  readonly codes?: readonly CodeInput[];
  /** ID cards read by a GA 467 reader. */
  readonly idcard?: {
    /** Card types taken. */
    readonly card_types: readonly ('resident' | 'hmt_residence_permit' | 'foreign_permanent_resident' | 'foreign_permanent_resident_2023')[];
  };
  /** Passports and travel documents read by an MRZ reader. */
  readonly mrz?: {
    /** ICAO document codes taken, by their first letter or both letters (`P` passports, `C` HK/Macau travel permits, `I` ID cards). */
    readonly document_codes: readonly string[];
  };
};

/** One type of signed code the venue takes, and from whom. */
export type CodeInput = {
  /** Code type (codes.md §4 `yss.t`; `hcert` for EU DCC). */
  readonly type: 'personal' | 'health' | 'credential' | 'hcert';
  /** Issuers taken for this type; absent: every issuer on the trust list. */
  readonly issuers?: readonly string[];
  /** For `credential`: the certificate types taken (`resident-id`, `driver-license`, ...); absent: any. */
  readonly credential_types?: readonly string[];
};

/** Library loans (docs/library.md): item barcodes (EAN-13, Code 128) read by the same scanner as codes. `checkout`: an accepted holder's code opens a loan session, each item scanned is a `loan` event, and the session closes after `session_s` without a reading or at the kiosk's finish button (`loan_no_session` for an item with no session open, `loan_limit`, `item_barcode_invalid`). `checkin`: every item scanned is a `return` event. With `ils`, the terminal is a SIP2 client of the library system; when the ILS is unreachable, loans and returns are queued and sent later. */
export type Loans = {
  /** `checkout`: a loan kiosk; `checkin`: a return terminal. */
  readonly mode: 'checkout' | 'checkin';
  /** A loan session closes this long after its last reading, seconds. Default: `60`. */
  readonly session_s?: number;
  /** Items one session may lend; past it `loan_limit`. Default: `30`. */
  readonly max_items?: number;
  readonly ils?: Ils;
  /** How the library system knows a reader (docs/library.md#readers-by-code-or-id-card). `holder`: by the holder hash the feeds use (SHA-256 of `iss|sub` for a code; of the venue salt and the number for an ID card, which needs the salt a feed brings). `feed`: by the patron identifier (library card number) the venue's `patrons` feed gives for that holder; a reader not in it is refused `patron_unknown`. Absent: `holder`. */
  readonly patron_id?: 'holder' | 'feed';
};

/** The library system (ILS) the terminal speaks SIP2 to: login (93), SC status (99), patron status (23) at a session's start, checkout (11), checkin (09). A patron is identified by the holder hash the feeds use (docs/feeds.md). Absent: loans are only recorded as events. */
export type Ils = {
  /** Host name or address of the ILS's SIP2 port. */
  readonly host: string;
  /** TCP port of its SIP2 service. */
  readonly port: number;
  /** Institution id (SIP2 AO). */
  readonly institution: string;
  /** SIP2 login user id (CN). */
  readonly user: string;
  /** SIP2 login password (CO). */
  readonly password: string;
  /** Location code (CP of the login, AP of a checkin). */
  readonly location: string;
  /** Terminal password (AC) where the ILS asks for one. */
  readonly terminal_password?: string;
  /** Longest wait for a connection or a reply, ms; past it the ILS counts as unreachable. Default: `3000`. */
  readonly timeout_ms?: number;
  /** How often queued loans and returns are sent again while the ILS is away, seconds. Default: `30`. */
  readonly retry_s?: number;
};

/** Meeting attendance (会议扫码考勤, docs/meetings.md): a holder's code is looked up in the `roster` feed; the first scan for a meeting open now signs in (late after the row's `late_after_min`, else this default), a later one is answered with the time of the first. Refusals: `not_on_roster`, `meeting_not_open`, `feed_too_old`. */
export type Attendance = {
  /** Minutes after a meeting starts from which a sign-in is late, when its roster row does not say. Default: `5`. */
  readonly late_after_min?: number;
  /** Minutes before a meeting starts that sign-in opens. Default: `60`. */
  readonly open_before_min?: number;
  /** Minutes after a meeting starts that sign-in closes. Default: `240`. */
  readonly close_after_min?: number;
  /** Refuse to decide (`feed_too_old`) when the roster was last confirmed current longer ago than this, seconds, or never arrived. Absent: only a missing roster refuses. */
  readonly max_feed_age_s?: number;
};

/** Appointment sign-in at a ticket machine or a hospital's sign-in kiosk (预约签到, docs/hospital.md): the holder's appointments for today are looked up offline in the `appointments` feed (the day's bookings, or a hospital's registrations from its HIS); signing in by these rules issues the venue's `print-ticket` ticket with the appointment's placement, which the hall's calling order honours. Refusals: `too_early` (with the time sign-in opens), `no_appointment`, `department_needed`, `already_signed_in`, `feed_too_old`. */
export type Appointments = {
  /** How early a holder may sign in: `forbidden` (not before the slot starts), `unlimited` (any time that day), `minutes` (from `early_min` before the slot starts). Default: `"minutes"`. */
  readonly early_sign_in?: 'forbidden' | 'unlimited' | 'minutes';
  /** With `early_sign_in: minutes`: how many minutes before the slot sign-in opens. Default: `30`. */
  readonly early_min?: number;
  /** A holder signing in later than this many minutes after the slot ends is late (迟到) and placed by `late`. Default: `0`. */
  readonly late_grace_min?: number;
  /** Where a late arrival joins the queue. Default: `{"place":"end"}`. */
  readonly late?: PlacementRule;
  /** Where an appointment holder whose number was missed (过号) joins again when a clerk calls them back (召回). Default: `{"place":"end"}`. */
  readonly missed?: PlacementRule;
  /** Appointment holders in their slot are called before everyone else (预约永优先); `false`: they wait among walk-ins by the time they signed in (预约不优先). Default: `true`. */
  readonly first?: boolean;
  /** With `first`: appointment holders of one slot are called by the feed's registration `number` (按挂号号序) or by when they signed in (按签到号序). Default: `"sign_in"`. */
  readonly order?: 'registration' | 'sign_in';
  /** A holder with no appointment today: `ticket`, a normal ticket (a service hall); `refuse`, `no_appointment` (a hospital kiosk that only signs in registrations); `pick`, the kiosk asks for a department (`department_needed`) and the next reading within a minute takes a walk-in ticket of the department tapped, queued behind the appointments by the rules (a hospital taking patients registered elsewhere). Default: `"ticket"`. */
  readonly walk_ins?: 'ticket' | 'refuse' | 'pick';
  /** With `walk_ins: pick`: the `service`s of the `print-ticket` actions a walk-in may pick, in the order the kiosk shows them (a department outside its action's `hours` is greyed with its hours). Absent: every `print-ticket` action. */
  readonly departments?: readonly string[];
  /** One booking per person per day: once signed in today, a holder's further sign-ins are `already_signed_in` even for another appointment; `false`: each appointment signs in once. Default: `true`. */
  readonly one_per_day?: boolean;
  /** Refuse to decide (`feed_too_old`) when the appointments feed was last confirmed current longer ago than this, seconds, or never arrived. Absent: only a missing feed refuses. */
  readonly max_feed_age_s?: number;
  /** Printed above the department on a sign-in's ticket (a hospital's 到诊单). Absent: the ticket as for a walk-in. */
  readonly slip_title?: string;
  /** The ticket of a sign-in also prints the holder's masked name (张*明), as a 到诊单 does. Default: `false`. */
  readonly slip_name?: boolean;
};

/** Where a ticket joins the queue (venues.md §3): `normal`, as a ticket taken then; `end`, after everyone waiting in the session, even those who come later (上下午最后); `insert_after`, after the first `n` waiting (间隔插入 N 位). */
export type PlacementRule = {
  /** The rule. */
  readonly place: 'normal' | 'end' | 'insert_after';
  /** With `insert_after`: how many waiting go first. */
  readonly n?: number;
};

/** Registers guest by guest into stays (旅业登记): a stay is a room, an arrival day, an expected departure and its guests, exactly one the main guest (the first registered). Each accepted reading whose keypad details name a room joins that room's open stay, or opens one; the same guest again in the same room is flagged, not doubled. Needs a `collect-details` action asking at least the `room`. */
export type StayRule = {
  /** What the clerk adds on the staff screen for a guest registered from a foreign passport, which its MRZ does not carry (visa or permit type and number, entry date and port). Sealed to the service; empty: nothing is asked. Default: `["visa_type","visa_no","entry_date","entry_port"]`. */
  readonly foreign_details?: readonly ('visa_type' | 'visa_no' | 'entry_date' | 'entry_port')[];
  /** A guest alone at a self-service kiosk enters the `foreign_details` on the kiosk's own screen right after the keypad step (within 30 min of check-in, for the guest of that reading only); false: only the clerk adds them on the staff screen. Default: `false`. */
  readonly self_details?: boolean;
  /** How long after check-in each guest's registration must have reached the police, by the guest's category (from the document: a resident card or a Chinese passport is `domestic`; an HK/Macau/Taiwan permit, card or passport is `hmt`; any other passport or a foreigner's card is `foreign`), seconds. */
  readonly deadlines_s?: {
    /** Domestic guests. Default: `7200`. */
    readonly domestic?: number;
    /** Hong Kong, Macau and Taiwan guests (at most 24 h). Default: `86400`. */
    readonly hmt?: number;
    /** Foreign guests (at most 24 h). Default: `86400`. */
    readonly foreign?: number;
  };
  /** How long before a guest's deadline the desk screen warns that the registration is not complete (foreign details missing, head count unconfirmed), seconds. Default: `7200`. */
  readonly alert_before_s?: number;
  /** Nights a new stay is expected to last when the keypad does not ask for `nights`; the expected departure is the arrival day plus these. Default: `1`. */
  readonly nights?: number;
};

/** An attribute of the holder, the same name whatever the input: a code's `subject` and `credential`, an ID card, an MRZ (see "Attributes" below). */
export type Attribute = 'name' | 'doc_type' | 'doc_no' | 'birth_date' | 'sex' | 'nationality' | 'address' | 'ethnicity' | 'authority' | 'valid_from' | 'valid_until' | 'credential_type' | 'credential_no' | 'holder' | 'issuer_name' | 'scope';

/** Attributes every accepted reading must carry. A personal code lacking one is `authorization_required` (the holder can disclose it); any other input is `identity_required`. */
export type Requirement = {
  /** The attributes. */
  readonly attributes: readonly Attribute[];
  /** The rule that makes the venue ask, for the installer and the auditor. */
  readonly why: string;
};

/** How health statuses are judged. Required when health codes are taken. A health code without a status is always `health_status_unknown`. */
export type HealthRule = {
  /** Statuses admitted; any other is `health_status`. A desk that only shows the colour lists all three. */
  readonly statuses: readonly ('green' | 'yellow' | 'red')[];
  /** A status assessed (`as_of`) longer ago than this is `health_status_stale`, seconds. Absent: no bound. */
  readonly max_age_s?: number;
  /** Every reading must carry a health status (a personal code or ID card alone is `health_status_unknown`). Default: `false`. */
  readonly required?: boolean;
};

/** What counts as the same reading again: the same code (its `cti`), or the same person (the holder's `iss|sub` hash, or the document number hash) within `within_s`. */
export type ReplayRule = {
  /** `code` or `person`. */
  readonly per: 'code' | 'person';
  /** For `person`: how long after an accepted reading the same person again is a replay, seconds. Default: `300`. */
  readonly within_s?: number;
  /** `refuse` (`replayed`), or `flag`: accepted again and shown as replayed (a desk re-showing a guest). */
  readonly on_replay: 'refuse' | 'flag';
};

/** What is sealed and stored of an accepted reading, field by field. Nothing else is kept: an ID card's address is dropped unless listed. */
export type Recording = {
  /** Attributes sealed to the sync service with the event; empty: no personal data at all. */
  readonly fields: readonly Attribute[];
};

/** One more category of a ticket machine: its own prefix, sequence, hours, cap and service time. */
export type TicketCategory = {
  /** Ticket prefix, 1–3 capital letters, unique among the categories. */
  readonly prefix: string;
  /** The service shown on its button and printed under the number. */
  readonly service: string;
  /** When it issues numbers, China time; outside them its button is greyed with the hours and a reading for it is refused as `category_closed`. Absent: whenever the venue is open. */
  readonly hours?: readonly OpeningWindow[];
  /** The most numbers of this prefix a day (`daily_cap_reached` past it). Absent: no cap. */
  readonly daily_cap?: number;
  /** Average minutes of one service at a window, until the day's services teach the hall. Absent: 5 minutes. */
  readonly service_minutes?: number;
};

/** A daily opening window, China time. `to` after `from`; `to` is exclusive. */
export type OpeningWindow = {
  /** ISO weekdays, 1 Monday to 7 Sunday. Default: `[1,2,3,4,5,6,7]`. */
  readonly days?: readonly number[];
  /** Opening, HH:MM. */
  readonly from: string;
  /** Closing, HH:MM (24:00 for midnight). */
  readonly to: string;
};

/** One thing an accepted reading makes happen. */
export type Action = {
  /** The action. */
  readonly do: 'print-ticket';
  /** Ticket prefix, 1–3 capital letters. */
  readonly prefix: string;
  /** The service printed under the number. */
  readonly service: string;
  /** Who numbers the tickets: `machine`, this terminal's own counter (one machine per hall); `hall`, the sync service on the hall's server, so every ticket machine of the hall shares one sequence per prefix and day (docs/hall.md). `hall` needs the terminal's `sync` section. Default: `"machine"`. */
  readonly numbers?: 'machine' | 'hall';
  /** With `numbers: hall`: how many numbers the machine fetches at a time and keeps in hand, so it issues on while the allocator is away; it asks again when half is used. Also the most numbers one allocator crash can skip per machine (docs/hall.md). Default: `20`. */
  readonly block?: number;
  /** The most numbers of this prefix a day; past it a reading is refused as `daily_cap_reached`. With `numbers: hall` it holds for the whole hall (a number above the cap is never issued, by any machine); skipped numbers count against it. Absent: no cap. */
  readonly daily_cap?: number;
  /** Holders this old or older on the day, from the birth date on the card or code, get an `elderly` priority ticket (长者优先, printed and shown); the birth date itself is not kept. Absent: no age priority. */
  readonly elderly_age?: number;
  /** With `numbers: hall`: the average minutes one service of this category takes at a window. The hall's estimated wait (waiting × service time ÷ open windows) uses it until the day's completed services teach the hall its own average (docs/hall.md, "The calling side"). Absent: 5 minutes. */
  readonly service_minutes?: number;
  /** When this category (the action's own `prefix`) issues numbers, China time. Outside every window the kiosk greys its button with the hours, and a reading for it is refused as `category_closed`. Absent: whenever the venue is open. */
  readonly hours?: readonly OpeningWindow[];
  /** More categories (业务类型) the visitor may pick on the kiosk before showing a code (docs/hall.md, "Categories"). The action's own `prefix`, `service`, `hours`, `daily_cap` and `service_minutes` are the first category and the default: a reading with nothing picked takes a number of it. `numbers`, `block`, `elderly_age` and `one_active` hold for all. Absent: one category. */
  readonly categories?: readonly TicketCategory[];
  /** One active number (issued, not yet completed or missed) per person per category per day: a second reading is refused as `already_in_queue` unless staff signed in on the kiosk override it for the next reading. Hall-wide with `numbers: hall` while the hall answers; otherwise from this machine's own tickets (docs/hall.md, "One active number per person"). Default: `false`. */
  readonly one_active?: boolean;
  /** With `numbers: hall`: the priorities a clerk may mark a waiting number with on the window page (军人, 残疾人, 孕妇 …; docs/hall.md, "Clerk-marked priority"). They travel to the hall with the tickets; the service refuses a mark naming another. Absent: the window page offers no mark. */
  readonly priority_labels?: readonly string[];
} | {
  /** The action. */
  readonly do: 'open-gate';
  /** Id of a device with role `relay` in the terminal config. */
  readonly relay: string;
  /** How long the contact closes, ms. Default: `500`. */
  readonly pulse_ms?: number;
  /** Id of a device with role `sensor` in the terminal config that sees people go through this gate (docs/feeds.md#grants-that-lapse). With it an admission is a grant: it counts (capacity, anti-passback) only once the sensor reports a passage within `grant_s`; a grant nobody uses lapses, is uncounted and queues a `grant_lapsed` event. Absent: every admission counts when the relay is told to open. */
  readonly pass_sensor?: string;
  /** With `pass_sensor`: how long a grant waits for the passage, seconds from the verdict. Absent: 5. */
  readonly grant_s?: number;
} | {
  /** The action. */
  readonly do: 'collect-details';
  /** The fields asked for: the `room`, the head count `guests` (1-9), the `nights` of a new stay (1-90, with a `stay` section). */
  readonly fields: readonly ('room' | 'guests' | 'nights')[];
};

/** What a terminal does with a reading: which inputs it takes from which issuers, which attributes it requires and why, the replay rule, what it records, what it does, what the person is told on refusal, and when it is open. */
export type Venue = {
  /** Optional link to this schema, for editors. */
  readonly $schema?: string;
  /** Free text for the installer; ignored. */
  readonly $comment?: string;
  /** Short id of the venue, kebab-case; `npm start -- --venue <name>` finds `fixtures/venues/<name>.json` by it. Recorded in every event; never branched on. */
  readonly name: string;
  /** The shape of the place: `desk` (staff beside the screen), `kiosk` (self-service), `gate` (a barrier: must have an `open-gate` action naming its relay). */
  readonly kind: 'desk' | 'kiosk' | 'gate';
  /** The venue as people see it, in each kiosk language. */
  readonly title: Localized;
  /** Event type of each decided reading in the queue (`verdict`, `registration`, `ticket`, `passage`, `checkin`, ...). */
  readonly event: string;
  /** The scenario id a holder authorizes in the app (codes.md §4 `scope`). When set, a personal code must carry it in its `scope`, or the answer is `authorization_required`. */
  readonly scope?: string;
  readonly inputs: Inputs;
  readonly require?: Requirement;
  readonly health?: HealthRule;
  readonly replay: ReplayRule;
  readonly record: Recording;
  /** What the screen shows of an accepted reading. Never a full name or number: names and numbers are masked. Default: `["name_masked","health"]`. */
  readonly show?: readonly ('name_masked' | 'health' | 'credential_type' | 'credential_no_masked' | 'holder_masked' | 'issuer_name' | 'valid_until')[];
  /** What an accepted reading makes happen, in order, after its event is committed. Empty: the verdict is only shown. */
  readonly actions: readonly Action[];
  /** Words told to the person on a refusal, by reason, in place of the kiosk's general ones. A reason not listed keeps the general words. */
  readonly refusals?: { readonly [K in Reason]?: Words };
  /** When the venue admits people, in China time (UTC+8). Outside every window a reading is refused as `outside_hours`. Absent: always open. */
  readonly hours?: readonly OpeningWindow[];
  /** Refuse codes (`trust_list_too_old`) when the installed trust list was issued longer ago than this, seconds. Absent: no bound. */
  readonly trust_max_age_s?: number;
  readonly access?: Access;
  /** Seconds a result with personal data stays on the screen; it also clears at the next reading. Default: `15`. */
  readonly clear_after_s?: number;
  readonly stay?: StayRule;
  readonly loans?: Loans;
  readonly attendance?: Attendance;
  readonly appointments?: Appointments;
  /** Sections owned by later features (police reporting, hall queues, feeds), each under its own key and checked by its owner. The core ignores them. */
  readonly extensions?: { readonly [key: string]: unknown };
};
