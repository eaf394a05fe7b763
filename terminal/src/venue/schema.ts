// A venue's policy as data: the JSON Schema every file in fixtures/venues/ (and a terminal
// config's `venue`) must satisfy. The TypeScript types (types.ts) and docs/config.md are
// generated from this object by scripts/gen-venue-docs.ts; venue-schema.test.ts keeps all three
// in step. Every property carries a description, and a default or an example, for the docs.
// Unknown keys are refused everywhere except under `extensions`, where later issues (police
// reporting, hall queues, feeds) add their own sections.

const localized = { $ref: '#/$defs/localized' } as const;

export const VENUE_DEFAULTS = {
  replay_within_s: 300, // 5 min: a person passing the same gate twice within this is a replay
  clear_after_s: 15, // personal data leaves the screen after 15 s, or at the next reading
  pulse_ms: 500,
  grant_s: 5, // a granted passage nobody walks through within 5 s lapses (with a pass_sensor)
  numbers: 'machine',
  block: 20,
  stay_deadline_domestic_s: 2 * 3600, // 实时: a domestic guest's registration reaches the police within 2 h
  stay_deadline_hmt_s: 24 * 3600, // 旅馆业治安管理办法 art. 6: within 24 h
  stay_deadline_foreign_s: 24 * 3600, // 出境入境管理法 art. 39: within 24 h
  stay_alert_before_s: 2 * 3600,
  stay_nights: 1,
  loan_session_s: 60, // a loan session closes a minute after its last reading unless finished sooner
  loan_max_items: 30, // 广州通借通还: 30 items a reader
  ils_timeout_ms: 3000, // a SIP2 reply (or connection) slower than this is an ILS away: the loan is queued
  ils_retry_s: 30,
  attendance_late_after_min: 5,
  attendance_open_before_min: 60,
  attendance_close_after_min: 240,
  appointment_early_sign_in: 'minutes',
  appointment_early_min: 30, // 贺州 hall and most hospitals: sign in from half an hour before the slot
  appointment_late_grace_min: 0,
  appointment_order: 'sign_in',
  appointment_walk_ins: 'ticket',
} as const;

export const venueSchema = {
  $id: 'https://yss-edge.example/schemas/venue.json',
  title: 'Venue',
  description:
    'What a terminal does with a reading: which inputs it takes from which issuers, which attributes it requires and why, the replay rule, what it records, what it does, what the person is told on refusal, and when it is open.',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'kind', 'title', 'event', 'inputs', 'replay', 'record', 'actions'],
  properties: {
    $schema: { type: 'string', description: 'Optional link to this schema, for editors.', examples: ['../../docs/venue.schema.json'] },
    $comment: { type: 'string', description: 'Free text for the installer; ignored.', examples: ['front desk, ground floor'] },
    name: {
      type: 'string',
      pattern: '^[a-z][a-z0-9-]{0,39}$',
      description: 'Short id of the venue, kebab-case; `npm start -- --venue <name>` finds `fixtures/venues/<name>.json` by it. Recorded in every event; never branched on.',
      examples: ['hotel'],
    },
    kind: {
      enum: ['desk', 'kiosk', 'gate'],
      description:
        'The shape of the place: `desk` (staff beside the screen), `kiosk` (self-service), `gate` (a barrier: must have an `open-gate` action naming its relay).',
      examples: ['desk'],
    },
    title: { ...localized, description: 'The venue as people see it, in each kiosk language.' },
    event: {
      type: 'string',
      pattern: '^[a-z][a-z_]{0,31}$',
      description: 'Event type of each decided reading in the queue (`verdict`, `registration`, `ticket`, `passage`, `checkin`, ...).',
      examples: ['registration'],
    },
    scope: {
      type: 'string',
      pattern: '^[a-z][a-z0-9-]{0,39}$',
      description:
        'The scenario id a holder authorizes in the app (codes.md §4 `scope`). When set, a personal code must carry it in its `scope`, or the answer is `authorization_required`.',
      examples: ['hotel-checkin'],
    },
    inputs: { $ref: '#/$defs/inputs' },
    require: { $ref: '#/$defs/requirement' },
    health: { $ref: '#/$defs/healthRule' },
    replay: { $ref: '#/$defs/replayRule' },
    record: { $ref: '#/$defs/recording' },
    show: {
      type: 'array',
      uniqueItems: true,
      items: { enum: ['name_masked', 'health', 'credential_type', 'credential_no_masked', 'holder_masked', 'issuer_name', 'valid_until'] },
      description: 'What the screen shows of an accepted reading. Never a full name or number: names and numbers are masked.',
      default: ['name_masked', 'health'],
      examples: [['credential_type', 'credential_no_masked', 'holder_masked', 'issuer_name', 'valid_until']],
    },
    actions: {
      type: 'array',
      items: { $ref: '#/$defs/action' },
      description: 'What an accepted reading makes happen, in order, after its event is committed. Empty: the verdict is only shown.',
      examples: [[{ do: 'print-ticket', prefix: 'A', service: '社保业务' }]],
    },
    refusals: {
      type: 'object',
      propertyNames: { $ref: '#/$defs/reason' },
      additionalProperties: { $ref: '#/$defs/words' },
      description: 'Words told to the person on a refusal, by reason, in place of the kiosk\'s general ones. A reason not listed keeps the general words.',
      examples: [{ authorization_required: { reason: { 'zh-CN': '请在粤省事中授权入住登记', 'zh-HK': '請在粵省事中授權入住登記', en: 'Please authorize hotel check-in in the app' }, next: { 'zh-CN': '授权后请再次出示', 'zh-HK': '授權後請再次出示', en: 'Then show your code again' } } }],
    },
    hours: {
      type: 'array',
      minItems: 1,
      items: { $ref: '#/$defs/openingWindow' },
      description: 'When the venue admits people, in China time (UTC+8). Outside every window a reading is refused as `outside_hours`. Absent: always open.',
      examples: [[{ days: [1, 2, 3, 4, 5, 6, 7], from: '08:00', to: '21:00' }]],
    },
    trust_max_age_s: {
      type: 'integer',
      minimum: 60,
      description: 'Refuse codes (`trust_list_too_old`) when the installed trust list was issued longer ago than this, seconds. Absent: no bound.',
      examples: [604800],
    },
    access: { $ref: '#/$defs/access' },
    clear_after_s: {
      type: 'integer',
      minimum: 3,
      maximum: 300,
      description: 'Seconds a result with personal data stays on the screen; it also clears at the next reading.',
      default: VENUE_DEFAULTS.clear_after_s,
    },
    stay: { $ref: '#/$defs/stayRule' },
    loans: { $ref: '#/$defs/loans' },
    attendance: { $ref: '#/$defs/attendance' },
    appointments: { $ref: '#/$defs/appointments' },
    extensions: {
      type: 'object',
      description: 'Sections owned by later features (police reporting, hall queues, feeds), each under its own key and checked by its owner. The core ignores them.',
      examples: [{ 'police-report': { deadline_s: 86400 } }],
    },
  },
  allOf: [
    {
      if: { properties: { kind: { const: 'gate' } }, required: ['kind'] },
      then: { properties: { actions: { contains: { properties: { do: { const: 'open-gate' } }, required: ['do'] } } } },
      else: { properties: { actions: { not: { contains: { properties: { do: { const: 'open-gate' } }, required: ['do'] } } } } },
    },
    {
      if: { required: ['stay'] },
      then: { properties: { actions: { contains: { properties: { do: { const: 'collect-details' }, fields: { contains: { const: 'room' } } }, required: ['do', 'fields'] } } } },
    },
    {
      if: { properties: { inputs: { properties: { codes: { contains: { properties: { type: { const: 'health' } } } } }, required: ['codes'] } }, required: ['inputs'] },
      then: { required: ['health'] },
    },
    {
      if: { required: ['appointments'] },
      then: { properties: { actions: { contains: { properties: { do: { const: 'print-ticket' } }, required: ['do'] } } } },
    },
  ],
  $defs: {
    localized: {
      type: 'object',
      additionalProperties: false,
      required: ['zh-CN', 'zh-HK', 'en'],
      properties: { 'zh-CN': { type: 'string', minLength: 1 }, 'zh-HK': { type: 'string', minLength: 1 }, en: { type: 'string', minLength: 1 } },
      description: 'The same words in each kiosk language.',
      examples: [{ 'zh-CN': '酒店前台', 'zh-HK': '酒店前台', en: 'Hotel front desk' }],
    },
    words: {
      type: 'object',
      additionalProperties: false,
      required: ['reason', 'next'],
      properties: {
        reason: { ...localized, description: 'Why the reading was refused.' },
        next: { ...localized, description: 'What the person should do now.' },
      },
      description: 'A refusal in words: why, and what to do next.',
    },
    reason: {
      enum: [
        'malformed', 'unsupported_alg', 'unknown_key', 'alg_mismatch', 'issuer_mismatch', 'key_revoked', 'key_not_valid', 'type_not_allowed',
        'bad_signature', 'not_yet_valid', 'expired', 'lifetime_too_long', 'revoked', 'replayed', 'issuer_not_accepted', 'authorization_required',
        'health_status', 'trust_list_too_old', 'not_a_code', 'id_number_invalid', 'document_expired',
        'input_not_accepted', 'identity_required', 'health_status_unknown', 'health_status_stale', 'outside_hours', 'numbers_unavailable', 'daily_cap_reached',
        'category_closed', 'already_in_queue',
        'not_on_list', 'access_not_yet_valid', 'access_expired', 'wrong_slot', 'slot_full', 'day_full', 'anti_passback', 'feed_too_old',
        'item_barcode_invalid', 'loan_no_session', 'loan_limit', 'patron_unknown', 'ils_refused', 'not_on_roster', 'meeting_not_open',
        'no_appointment', 'too_early', 'already_signed_in', 'department_needed',
      ],
      description: 'A refusal reason (docs/verification.md and the venue reasons below).',
    },
    access: {
      type: 'object',
      additionalProperties: false,
      required: ['lists'],
      description:
        'Who may pass, decided offline from the venue\'s data feeds (docs/feeds.md). A reading the rest of the policy accepts must also name a holder on one of `lists`, or it is refused (`not_on_list`, `access_not_yet_valid`, `access_expired`, `outside_hours`, `wrong_slot`); then anti-passback and capacity are checked (`anti_passback`, `slot_full`, `day_full`).',
      examples: [{ lists: ['access', 'bookings'], max_feed_age_s: 86400, anti_passback_s: 1800, capacity: { per_slot: 30, per_day: 500 } }],
      properties: {
        lists: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { enum: ['access', 'bookings'] },
          description:
            'Feeds that admit: `access` (the access list, with validity dates, weekdays and up to three time segments a day) and `bookings` (a booking for the slot running now). With both, either admits.',
          examples: [['bookings']],
        },
        max_feed_age_s: {
          type: 'integer',
          minimum: 60,
          description:
            'Refuse to decide (`feed_too_old`) when a listed feed was last confirmed current by the service longer ago than this, seconds, or was never received. Absent: a feed of any age is used, and only a missing one refuses.',
          examples: [86400],
        },
        anti_passback_s: {
          type: 'integer',
          minimum: 1,
          maximum: 86400,
          description: 'After a holder is admitted, the same holder is refused (`anti_passback`) for this many seconds. Absent: no anti-passback.',
          examples: [1800],
        },
        exit_readers: {
          type: 'array',
          minItems: 1,
          maxItems: 8,
          uniqueItems: true,
          items: { type: 'string', minLength: 1, maxLength: 64 },
          description:
            'Scanners (device ids of the terminal config) that read people out (docs/feeds.md#entry-and-exit-readers); every other scanner reads them in. An exit needs the holder inside (else `anti_passback`) and is not checked against the lists; an entry needs the holder outside (entered, then exited), in place of `anti_passback_s`. The terminal counts who is inside (`occupancy` in each passage event).',
          examples: [['scanner-2']],
        },
        early_s: {
          type: 'integer',
          minimum: 0,
          maximum: 7200,
          description: 'How long before a booked slot starts its holder may enter, seconds.',
          default: 0,
        },
        capacity: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          description:
            'People admitted, counted on this terminal (a group booking counts its `party`). A booking\'s slot holds the smaller of `per_slot` and the booking\'s `slot_capacity`; beyond it `slot_full`. Beyond `per_day` `day_full`.',
          examples: [{ per_slot: 30, per_day: 500 }],
          properties: {
            per_slot: { type: 'integer', minimum: 1, description: 'People per booked slot.', examples: [30] },
            per_day: { type: 'integer', minimum: 1, description: 'People per day, whatever admitted them.', examples: [500] },
            shares: {
              type: 'object',
              additionalProperties: false,
              required: ['slack'],
              description:
                'Share each booked slot among the venue\'s terminals (docs/feeds.md#capacity-shares): each terminal admits into a slot only within the share the sync service granted it (reported and rebalanced with every heartbeat), so gates deciding offline together never overfill it by more than `slack`. A terminal that has no share of a slot yet refuses it `slot_full`. Without `shares` each terminal counts the slot alone.',
              examples: [{ slack: 2 }],
              properties: {
                slack: { type: 'integer', minimum: 0, maximum: 10000, description: 'People a slot may hold beyond its capacity, across all the venue\'s terminals (split among them by the service).', examples: [2] },
              },
            },
          },
        },
      },
    },
    inputs: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      description: 'What the venue takes. An input not listed is refused as `input_not_accepted` (codes: `type_not_allowed`, `issuer_not_accepted`).',
      examples: [{ codes: [{ type: 'personal', issuers: ['CN-44'] }], idcard: { card_types: ['resident'] } }],
      properties: {
        codes: { type: 'array', minItems: 1, items: { $ref: '#/$defs/codeInput' }, description: 'Signed codes taken, one entry per type.' },
        idcard: {
          type: 'object',
          additionalProperties: false,
          required: ['card_types'],
          description: 'ID cards read by a GA 467 reader.',
          properties: {
            card_types: {
              type: 'array',
              minItems: 1,
              uniqueItems: true,
              items: { enum: ['resident', 'hmt_residence_permit', 'foreign_permanent_resident', 'foreign_permanent_resident_2023'] },
              description: 'Card types taken.',
              examples: [['resident', 'hmt_residence_permit']],
            },
          },
        },
        mrz: {
          type: 'object',
          additionalProperties: false,
          required: ['document_codes'],
          description: 'Passports and travel documents read by an MRZ reader.',
          properties: {
            document_codes: {
              type: 'array',
              minItems: 1,
              uniqueItems: true,
              items: { type: 'string', pattern: '^[A-Z]{1,2}$' },
              description: 'ICAO document codes taken, by their first letter or both letters (`P` passports, `C` HK/Macau travel permits, `I` ID cards).',
              examples: [['P', 'C']],
            },
          },
        },
      },
    },
    codeInput: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      description: 'One type of signed code the venue takes, and from whom.',
      properties: {
        type: { enum: ['personal', 'health', 'credential', 'hcert'], description: 'Code type (codes.md §4 `yss.t`; `hcert` for EU DCC).', examples: ['personal'] },
        issuers: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string', minLength: 1 },
          description: 'Issuers taken for this type; absent: every issuer on the trust list.',
          examples: [['CN-44', 'MO']],
        },
        credential_types: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string', minLength: 1 },
          description: 'For `credential`: the certificate types taken (`resident-id`, `driver-license`, ...); absent: any.',
          examples: [['resident-id', 'social-security-card']],
        },
      },
    },
    loans: {
      type: 'object',
      additionalProperties: false,
      required: ['mode'],
      description:
        'Library loans (docs/library.md): item barcodes (EAN-13, Code 128) read by the same scanner as codes. `checkout`: an accepted holder\'s code opens a loan session, each item scanned is a `loan` event, and the session closes after `session_s` without a reading or at the kiosk\'s finish button (`loan_no_session` for an item with no session open, `loan_limit`, `item_barcode_invalid`). `checkin`: every item scanned is a `return` event. With `ils`, the terminal is a SIP2 client of the library system; when the ILS is unreachable, loans and returns are queued and sent later.',
      examples: [{ mode: 'checkout', session_s: 60, ils: { host: '10.0.0.5', port: 6001, institution: 'GZLIB', user: 'kiosk-3', password: 'secret', location: 'floor-1' } }],
      properties: {
        mode: { enum: ['checkout', 'checkin'], description: '`checkout`: a loan kiosk; `checkin`: a return terminal.', examples: ['checkout'] },
        session_s: { type: 'integer', minimum: 10, maximum: 600, description: 'A loan session closes this long after its last reading, seconds.', default: VENUE_DEFAULTS.loan_session_s },
        max_items: { type: 'integer', minimum: 1, maximum: 100, description: 'Items one session may lend; past it `loan_limit`.', default: VENUE_DEFAULTS.loan_max_items },
        ils: { $ref: '#/$defs/ils' },
        patron_id: {
          enum: ['holder', 'feed'],
          description:
            'How the library system knows a reader (docs/library.md#readers-by-code-or-id-card). `holder`: by the holder hash the feeds use (SHA-256 of `iss|sub` for a code; of the venue salt and the number for an ID card, which needs the salt a feed brings). `feed`: by the patron identifier (library card number) the venue\'s `patrons` feed gives for that holder; a reader not in it is refused `patron_unknown`. Absent: `holder`.',
          examples: ['feed'],
        },
      },
    },
    ils: {
      type: 'object',
      additionalProperties: false,
      required: ['host', 'port', 'institution', 'user', 'password', 'location'],
      description:
        'The library system (ILS) the terminal speaks SIP2 to: login (93), SC status (99), patron status (23) at a session\'s start, checkout (11), checkin (09). A patron is identified by the holder hash the feeds use (docs/feeds.md). Absent: loans are only recorded as events.',
      examples: [{ host: '10.0.0.5', port: 6001, institution: 'GZLIB', user: 'kiosk-3', password: 'secret', location: 'floor-1' }],
      properties: {
        host: { type: 'string', minLength: 1, description: 'Host name or address of the ILS\'s SIP2 port.', examples: ['10.0.0.5'] },
        port: { type: 'integer', minimum: 1, maximum: 65535, description: 'TCP port of its SIP2 service.', examples: [6001] },
        institution: { type: 'string', minLength: 1, pattern: '^[^|]+$', description: 'Institution id (SIP2 AO).', examples: ['GZLIB'] },
        user: { type: 'string', minLength: 1, pattern: '^[^|]+$', description: 'SIP2 login user id (CN).', examples: ['kiosk-3'] },
        password: { type: 'string', pattern: '^[^|]*$', description: 'SIP2 login password (CO).', examples: ['secret'] },
        location: { type: 'string', minLength: 1, pattern: '^[^|]+$', description: 'Location code (CP of the login, AP of a checkin).', examples: ['floor-1'] },
        terminal_password: { type: 'string', pattern: '^[^|]*$', description: 'Terminal password (AC) where the ILS asks for one.', examples: [''] },
        timeout_ms: { type: 'integer', minimum: 100, maximum: 30000, description: 'Longest wait for a connection or a reply, ms; past it the ILS counts as unreachable.', default: VENUE_DEFAULTS.ils_timeout_ms },
        retry_s: { type: 'integer', minimum: 1, maximum: 3600, description: 'How often queued loans and returns are sent again while the ILS is away, seconds.', default: VENUE_DEFAULTS.ils_retry_s },
      },
    },
    attendance: {
      type: 'object',
      additionalProperties: false,
      description:
        'Meeting attendance (会议扫码考勤, docs/meetings.md): a holder\'s code is looked up in the `roster` feed; the first scan for a meeting open now signs in (late after the row\'s `late_after_min`, else this default), a later one is answered with the time of the first. Refusals: `not_on_roster`, `meeting_not_open`, `feed_too_old`.',
      examples: [{ late_after_min: 5, open_before_min: 60, close_after_min: 240, max_feed_age_s: 86400 }],
      properties: {
        late_after_min: { type: 'integer', minimum: 0, maximum: 600, description: 'Minutes after a meeting starts from which a sign-in is late, when its roster row does not say.', default: VENUE_DEFAULTS.attendance_late_after_min },
        open_before_min: { type: 'integer', minimum: 0, maximum: 720, description: 'Minutes before a meeting starts that sign-in opens.', default: VENUE_DEFAULTS.attendance_open_before_min },
        close_after_min: { type: 'integer', minimum: 1, maximum: 1440, description: 'Minutes after a meeting starts that sign-in closes.', default: VENUE_DEFAULTS.attendance_close_after_min },
        max_feed_age_s: {
          type: 'integer',
          minimum: 60,
          description: 'Refuse to decide (`feed_too_old`) when the roster was last confirmed current longer ago than this, seconds, or never arrived. Absent: only a missing roster refuses.',
          examples: [86400],
        },
      },
    },
    appointments: {
      type: 'object',
      additionalProperties: false,
      description:
        'Appointment sign-in at a ticket machine or a hospital\'s sign-in kiosk (预约签到, docs/hospital.md): the holder\'s appointments for today are looked up offline in the `appointments` feed (the day\'s bookings, or a hospital\'s registrations from its HIS); signing in by these rules issues the venue\'s `print-ticket` ticket with the appointment\'s placement, which the hall\'s calling order honours. Refusals: `too_early` (with the time sign-in opens), `no_appointment`, `department_needed`, `already_signed_in`, `feed_too_old`.',
      examples: [{ early_sign_in: 'minutes', early_min: 30, late_grace_min: 10, late: { place: 'insert_after', n: 3 }, missed: { place: 'end' }, first: true, order: 'registration', walk_ins: 'refuse', one_per_day: true, max_feed_age_s: 86400, slip_title: '到诊单', slip_name: true }],
      properties: {
        early_sign_in: {
          enum: ['forbidden', 'unlimited', 'minutes'],
          description: 'How early a holder may sign in: `forbidden` (not before the slot starts), `unlimited` (any time that day), `minutes` (from `early_min` before the slot starts).',
          default: VENUE_DEFAULTS.appointment_early_sign_in,
        },
        early_min: { type: 'integer', minimum: 0, maximum: 720, description: 'With `early_sign_in: minutes`: how many minutes before the slot sign-in opens.', default: VENUE_DEFAULTS.appointment_early_min },
        late_grace_min: { type: 'integer', minimum: 0, maximum: 240, description: 'A holder signing in later than this many minutes after the slot ends is late (迟到) and placed by `late`.', default: VENUE_DEFAULTS.appointment_late_grace_min },
        late: { $ref: '#/$defs/placementRule', description: 'Where a late arrival joins the queue. Default: `{"place":"end"}`.' },
        missed: { $ref: '#/$defs/placementRule', description: 'Where an appointment holder whose number was missed (过号) joins again when a clerk calls them back (召回). Default: `{"place":"end"}`.' },
        first: { type: 'boolean', description: 'Appointment holders in their slot are called before everyone else (预约永优先); `false`: they wait among walk-ins by the time they signed in (预约不优先).', default: true },
        order: {
          enum: ['registration', 'sign_in'],
          description: 'With `first`: appointment holders of one slot are called by the feed\'s registration `number` (按挂号号序) or by when they signed in (按签到号序).',
          default: VENUE_DEFAULTS.appointment_order,
        },
        walk_ins: {
          enum: ['ticket', 'refuse', 'pick'],
          description:
            'A holder with no appointment today: `ticket`, a normal ticket (a service hall); `refuse`, `no_appointment` (a hospital kiosk that only signs in registrations); `pick`, the kiosk asks for a department (`department_needed`) and the next reading within a minute takes a walk-in ticket of the department tapped, queued behind the appointments by the rules (a hospital taking patients registered elsewhere).',
          default: VENUE_DEFAULTS.appointment_walk_ins,
        },
        departments: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string', minLength: 1, maxLength: 32 },
          description:
            'With `walk_ins: pick`: the `service`s of the `print-ticket` actions a walk-in may pick, in the order the kiosk shows them (a department outside its action\'s `hours` is greyed with its hours). Absent: every `print-ticket` action.',
          examples: [['内科', '儿科']],
        },
        one_per_day: { type: 'boolean', description: 'One booking per person per day: once signed in today, a holder\'s further sign-ins are `already_signed_in` even for another appointment; `false`: each appointment signs in once.', default: true },
        max_feed_age_s: {
          type: 'integer',
          minimum: 60,
          description: 'Refuse to decide (`feed_too_old`) when the appointments feed was last confirmed current longer ago than this, seconds, or never arrived. Absent: only a missing feed refuses.',
          examples: [86400],
        },
        slip_title: { type: 'string', minLength: 1, maxLength: 16, description: 'Printed above the department on a sign-in\'s ticket (a hospital\'s 到诊单). Absent: the ticket as for a walk-in.', examples: ['到诊单'] },
        slip_name: { type: 'boolean', description: 'The ticket of a sign-in also prints the holder\'s masked name (张*明), as a 到诊单 does.', default: false },
      },
    },
    placementRule: {
      type: 'object',
      additionalProperties: false,
      required: ['place'],
      description: 'Where a ticket joins the queue (venues.md §3): `normal`, as a ticket taken then; `end`, after everyone waiting in the session, even those who come later (上下午最后); `insert_after`, after the first `n` waiting (间隔插入 N 位).',
      examples: [{ place: 'insert_after', n: 3 }],
      properties: {
        place: { enum: ['normal', 'end', 'insert_after'], description: 'The rule.' },
        n: { type: 'integer', minimum: 1, maximum: 100, description: 'With `insert_after`: how many waiting go first.' },
      },
      if: { properties: { place: { const: 'insert_after' } } },
      then: { required: ['n'] },
    },
    stayRule: {
      type: 'object',
      additionalProperties: false,
      description:
        'Registers guest by guest into stays (旅业登记): a stay is a room, an arrival day, an expected departure and its guests, exactly one the main guest (the first registered). Each accepted reading whose keypad details name a room joins that room\'s open stay, or opens one; the same guest again in the same room is flagged, not doubled. Needs a `collect-details` action asking at least the `room`.',
      examples: [{ foreign_details: ['visa_type', 'visa_no', 'entry_date', 'entry_port'], deadlines_s: { domestic: 7200, hmt: 86400, foreign: 86400 }, alert_before_s: 7200 }],
      properties: {
        foreign_details: {
          type: 'array',
          uniqueItems: true,
          items: { enum: ['visa_type', 'visa_no', 'entry_date', 'entry_port'] },
          description: 'What the clerk adds on the staff screen for a guest registered from a foreign passport, which its MRZ does not carry (visa or permit type and number, entry date and port). Sealed to the service; empty: nothing is asked.',
          default: ['visa_type', 'visa_no', 'entry_date', 'entry_port'],
        },
        self_details: {
          type: 'boolean',
          description: 'A guest alone at a self-service kiosk enters the `foreign_details` on the kiosk\'s own screen right after the keypad step (within 30 min of check-in, for the guest of that reading only); false: only the clerk adds them on the staff screen.',
          default: false,
        },
        deadlines_s: {
          type: 'object',
          additionalProperties: false,
          description: 'How long after check-in each guest\'s registration must have reached the police, by the guest\'s category (from the document: a resident card or a Chinese passport is `domestic`; an HK/Macau/Taiwan permit, card or passport is `hmt`; any other passport or a foreigner\'s card is `foreign`), seconds.',
          properties: {
            domestic: { type: 'integer', minimum: 60, maximum: 7 * 86400, description: 'Domestic guests.', default: VENUE_DEFAULTS.stay_deadline_domestic_s },
            hmt: { type: 'integer', minimum: 60, maximum: 86400, description: 'Hong Kong, Macau and Taiwan guests (at most 24 h).', default: VENUE_DEFAULTS.stay_deadline_hmt_s },
            foreign: { type: 'integer', minimum: 60, maximum: 86400, description: 'Foreign guests (at most 24 h).', default: VENUE_DEFAULTS.stay_deadline_foreign_s },
          },
        },
        alert_before_s: {
          type: 'integer',
          minimum: 0,
          maximum: 86400,
          description: 'How long before a guest\'s deadline the desk screen warns that the registration is not complete (foreign details missing, head count unconfirmed), seconds.',
          default: VENUE_DEFAULTS.stay_alert_before_s,
        },
        nights: {
          type: 'integer',
          minimum: 1,
          maximum: 90,
          description: 'Nights a new stay is expected to last when the keypad does not ask for `nights`; the expected departure is the arrival day plus these.',
          default: VENUE_DEFAULTS.stay_nights,
        },
      },
    },
    attribute: {
      enum: [
        'name', 'doc_type', 'doc_no', 'birth_date', 'sex', 'nationality', 'address', 'ethnicity', 'authority', 'valid_from', 'valid_until',
        'credential_type', 'credential_no', 'holder', 'issuer_name', 'scope',
      ],
      description:
        'An attribute of the holder, the same name whatever the input: a code\'s `subject` and `credential`, an ID card, an MRZ (see "Attributes" below).',
    },
    requirement: {
      type: 'object',
      additionalProperties: false,
      required: ['attributes', 'why'],
      description:
        'Attributes every accepted reading must carry. A personal code lacking one is `authorization_required` (the holder can disclose it); any other input is `identity_required`.',
      properties: {
        attributes: { type: 'array', minItems: 1, uniqueItems: true, items: { $ref: '#/$defs/attribute' }, description: 'The attributes.', examples: [['name', 'doc_type', 'doc_no']] },
        why: { type: 'string', minLength: 1, description: 'The rule that makes the venue ask, for the installer and the auditor.', examples: ['治安管理处罚法 art. 56: 姓名, 证件种类和号码'] },
      },
    },
    healthRule: {
      type: 'object',
      additionalProperties: false,
      required: ['statuses'],
      description:
        'How health statuses are judged. Required when health codes are taken. A health code without a status is always `health_status_unknown`.',
      properties: {
        statuses: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { enum: ['green', 'yellow', 'red'] },
          description: 'Statuses admitted; any other is `health_status`. A desk that only shows the colour lists all three.',
          examples: [['green']],
        },
        max_age_s: {
          type: 'integer',
          minimum: 60,
          description: 'A status assessed (`as_of`) longer ago than this is `health_status_stale`, seconds. Absent: no bound.',
          examples: [86400],
        },
        required: {
          type: 'boolean',
          description: 'Every reading must carry a health status (a personal code or ID card alone is `health_status_unknown`).',
          default: false,
        },
      },
    },
    replayRule: {
      type: 'object',
      additionalProperties: false,
      required: ['per', 'on_replay'],
      description:
        'What counts as the same reading again: the same code (its `cti`), or the same person (the holder\'s `iss|sub` hash, or the document number hash) within `within_s`.',
      examples: [{ per: 'person', within_s: 300, on_replay: 'refuse' }],
      properties: {
        per: { enum: ['code', 'person'], description: '`code` or `person`.', examples: ['person'] },
        within_s: {
          type: 'integer',
          minimum: 1,
          maximum: 31 * 86400,
          description: 'For `person`: how long after an accepted reading the same person again is a replay, seconds.',
          default: VENUE_DEFAULTS.replay_within_s,
        },
        on_replay: {
          enum: ['refuse', 'flag'],
          description: '`refuse` (`replayed`), or `flag`: accepted again and shown as replayed (a desk re-showing a guest).',
          examples: ['refuse'],
        },
      },
    },
    recording: {
      type: 'object',
      additionalProperties: false,
      required: ['fields'],
      description: 'What is sealed and stored of an accepted reading, field by field. Nothing else is kept: an ID card\'s address is dropped unless listed.',
      properties: {
        fields: {
          type: 'array',
          uniqueItems: true,
          items: { $ref: '#/$defs/attribute' },
          description: 'Attributes sealed to the sync service with the event; empty: no personal data at all.',
          examples: [['name', 'doc_type', 'doc_no']],
        },
      },
    },
    ticketCategory: {
      type: 'object',
      additionalProperties: false,
      required: ['prefix', 'service'],
      description: 'One more category of a ticket machine: its own prefix, sequence, hours, cap and service time.',
      properties: {
        prefix: { type: 'string', pattern: '^[A-Z]{1,3}$', description: 'Ticket prefix, 1–3 capital letters, unique among the categories.', examples: ['B'] },
        service: { type: 'string', minLength: 1, description: 'The service shown on its button and printed under the number.', examples: ['医保业务'] },
        hours: {
          type: 'array',
          minItems: 1,
          items: { $ref: '#/$defs/openingWindow' },
          description: 'When it issues numbers, China time; outside them its button is greyed with the hours and a reading for it is refused as `category_closed`. Absent: whenever the venue is open.',
          examples: [[{ days: [1, 2, 3, 4, 5], from: '14:00', to: '17:00' }]],
        },
        daily_cap: { type: 'integer', minimum: 1, maximum: 9999, description: 'The most numbers of this prefix a day (`daily_cap_reached` past it). Absent: no cap.', examples: [100] },
        service_minutes: { type: 'number', exclusiveMinimum: 0, maximum: 480, description: 'Average minutes of one service at a window, until the day\'s services teach the hall. Absent: 5 minutes.', examples: [6] },
      },
    },
    openingWindow: {
      type: 'object',
      additionalProperties: false,
      required: ['from', 'to'],
      description: 'A daily opening window, China time. `to` after `from`; `to` is exclusive.',
      properties: {
        days: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'integer', minimum: 1, maximum: 7 },
          description: 'ISO weekdays, 1 Monday to 7 Sunday.',
          default: [1, 2, 3, 4, 5, 6, 7],
        },
        from: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'Opening, HH:MM.', examples: ['08:00'] },
        to: { type: 'string', pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$', description: 'Closing, HH:MM (24:00 for midnight).', examples: ['21:00'] },
      },
    },
    action: {
      type: 'object',
      required: ['do'],
      discriminator: { propertyName: 'do' },
      description: 'One thing an accepted reading makes happen.',
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['do', 'prefix', 'service'],
          description: 'Print a queue ticket: the number is taken in the event\'s transaction, one sequence per prefix and day (this machine\'s, or the hall\'s with `numbers: hall`).',
          properties: {
            do: { const: 'print-ticket', description: 'The action.' },
            prefix: { type: 'string', pattern: '^[A-Z]{1,3}$', description: 'Ticket prefix, 1–3 capital letters.', examples: ['A'] },
            service: { type: 'string', minLength: 1, description: 'The service printed under the number.', examples: ['社保业务'] },
            numbers: {
              enum: ['machine', 'hall'],
              description:
                'Who numbers the tickets: `machine`, this terminal\'s own counter (one machine per hall); `hall`, the sync service on the hall\'s server, so every ticket machine of the hall shares one sequence per prefix and day (docs/hall.md). `hall` needs the terminal\'s `sync` section.',
              default: VENUE_DEFAULTS.numbers,
            },
            block: {
              type: 'integer',
              minimum: 2,
              maximum: 500,
              description:
                'With `numbers: hall`: how many numbers the machine fetches at a time and keeps in hand, so it issues on while the allocator is away; it asks again when half is used. Also the most numbers one allocator crash can skip per machine (docs/hall.md).',
              default: VENUE_DEFAULTS.block,
            },
            daily_cap: {
              type: 'integer',
              minimum: 1,
              maximum: 9999,
              description:
                'The most numbers of this prefix a day; past it a reading is refused as `daily_cap_reached`. With `numbers: hall` it holds for the whole hall (a number above the cap is never issued, by any machine); skipped numbers count against it. Absent: no cap.',
              examples: [300],
            },
            elderly_age: {
              type: 'integer',
              minimum: 50,
              maximum: 100,
              description:
                'Holders this old or older on the day, from the birth date on the card or code, get an `elderly` priority ticket (长者优先, printed and shown); the birth date itself is not kept. Absent: no age priority.',
              examples: [65],
            },
            service_minutes: {
              type: 'number',
              exclusiveMinimum: 0,
              maximum: 480,
              description:
                "With `numbers: hall`: the average minutes one service of this category takes at a window. The hall's estimated wait (waiting × service time ÷ open windows) uses it until the day's completed services teach the hall its own average (docs/hall.md, \"The calling side\"). Absent: 5 minutes.",
              examples: [8],
            },
            hours: {
              type: 'array',
              minItems: 1,
              items: { $ref: '#/$defs/openingWindow' },
              description:
                'When this category (the action\'s own `prefix`) issues numbers, China time. Outside every window the kiosk greys its button with the hours, and a reading for it is refused as `category_closed`. Absent: whenever the venue is open.',
              examples: [[{ days: [1, 2, 3, 4, 5], from: '08:30', to: '12:00' }]],
            },
            categories: {
              type: 'array',
              minItems: 1,
              maxItems: 12,
              items: { $ref: '#/$defs/ticketCategory' },
              description:
                'More categories (业务类型) the visitor may pick on the kiosk before showing a code (docs/hall.md, "Categories"). The action\'s own `prefix`, `service`, `hours`, `daily_cap` and `service_minutes` are the first category and the default: a reading with nothing picked takes a number of it. `numbers`, `block`, `elderly_age` and `one_active` hold for all. Absent: one category.',
              examples: [[{ prefix: 'B', service: '医保业务', service_minutes: 6 }]],
            },
            one_active: {
              type: 'boolean',
              description:
                'One active number (issued, not yet completed or missed) per person per category per day: a second reading is refused as `already_in_queue` unless staff signed in on the kiosk override it for the next reading. Hall-wide with `numbers: hall` while the hall answers; otherwise from this machine\'s own tickets (docs/hall.md, "One active number per person").',
              default: false,
            },
            priority_labels: {
              type: 'array',
              minItems: 1,
              maxItems: 12,
              uniqueItems: true,
              items: { type: 'string', minLength: 1, maxLength: 8, pattern: '^[^\\u0000-\\u001f<>&"\']+$' },
              description:
                'With `numbers: hall`: the priorities a clerk may mark a waiting number with on the window page (军人, 残疾人, 孕妇 …; docs/hall.md, "Clerk-marked priority"). They travel to the hall with the tickets; the service refuses a mark naming another. Absent: the window page offers no mark.',
              examples: [['军人', '残疾人', '孕妇']],
            },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['do', 'relay'],
          description: 'Pulse the gate relay. The event records what the relay actually did (`pulsed`, `failed`, `no_relay`).',
          properties: {
            do: { const: 'open-gate', description: 'The action.' },
            relay: { type: 'string', minLength: 1, description: 'Id of a device with role `relay` in the terminal config.', examples: ['relay-1'] },
            pulse_ms: { type: 'integer', minimum: 50, maximum: 30000, description: 'How long the contact closes, ms.', default: VENUE_DEFAULTS.pulse_ms },
            pass_sensor: {
              type: 'string',
              minLength: 1,
              description:
                'Id of a device with role `sensor` in the terminal config that sees people go through this gate (docs/feeds.md#grants-that-lapse). With it an admission is a grant: it counts (capacity, anti-passback) only once the sensor reports a passage within `grant_s`; a grant nobody uses lapses, is uncounted and queues a `grant_lapsed` event. Absent: every admission counts when the relay is told to open.',
              examples: ['sensor-1'],
            },
            grant_s: {
              type: 'integer',
              minimum: 1,
              maximum: 120,
              description: `With \`pass_sensor\`: how long a grant waits for the passage, seconds from the verdict. Absent: ${VENUE_DEFAULTS.grant_s}.`,
              examples: [8],
            },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['do', 'fields'],
          description: 'Collect details on the kiosk keypad after the verdict (a hotel\'s room and guest count), kept durably so a restart in between loses nothing.',
          properties: {
            do: { const: 'collect-details', description: 'The action.' },
            fields: {
              type: 'array',
              minItems: 1,
              uniqueItems: true,
              items: { enum: ['room', 'guests', 'nights'] },
              description: 'The fields asked for: the `room`, the head count `guests` (1-9), the `nights` of a new stay (1-90, with a `stay` section).',
              examples: [['room', 'guests']],
            },
          },
        },
      ],
    },
  },
} as const;
