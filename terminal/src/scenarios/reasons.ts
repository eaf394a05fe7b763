// Why a venue refuses a reading the verifier may have accepted (or a reading that is no code at
// all). With the verifier's reasons they make the closed list the kiosk translates.
import type { VerifyReason } from '../codes/index.ts';

export const SCENARIO_REASONS = [
  'issuer_not_accepted',
  'authorization_required',
  'health_status',
  'trust_list_too_old',
  'not_a_code',
  'id_number_invalid',
  'document_expired',
  'input_not_accepted',
  'identity_required',
  'health_status_unknown',
  'health_status_stale',
  'outside_hours',
  'numbers_unavailable',
  'daily_cap_reached',
  // Hall categories (print-ticket `categories`, `one_active`, docs/hall.md).
  'category_closed',
  'already_in_queue',
  // From the venue's data feeds (venue `access`, docs/feeds.md).
  'not_on_list',
  'access_not_yet_valid',
  'access_expired',
  'wrong_slot',
  'slot_full',
  'day_full',
  'anti_passback',
  'feed_too_old',
  // Library loans (venue `loans`, docs/library.md).
  'item_barcode_invalid',
  'loan_no_session',
  'loan_limit',
  'patron_unknown',
  'ils_refused',
  // Meeting attendance (venue `attendance`, docs/meetings.md).
  'not_on_roster',
  'meeting_not_open',
  // Appointment sign-in (venue `appointments`, docs/hospital.md).
  'no_appointment',
  'too_early',
  'already_signed_in',
  'department_needed',
] as const;

export type ScenarioReason = (typeof SCENARIO_REASONS)[number];

/** A stable machine code for why a code or reading was refused (codes.md §5 and scenario checks). */
export type Reason = VerifyReason | ScenarioReason;
