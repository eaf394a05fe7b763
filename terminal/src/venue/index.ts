// Public surface of venue/: a venue's policy as data (schema, types, loader) and the pure policy
// that applies it to one reading.
export { venueSchema, VENUE_DEFAULTS } from './schema.ts';
export { schemaToTs, table as schemaTable } from './generate.ts';
export type { Venue, Attribute, Reason as VenueReason, Words, Localized, Action as VenueAction } from './types.ts';
export { loadVenue, parseVenue, venueProblems, VenueError } from './load.ts';
export { decideVenue, refuseDecision, verifierAllowsReplay, isOpen, personKey, maskName, maskNumber, type AccessLookups, type Admission, type PolicyDecision, type PolicyLookups, type PlannedEffect } from './policy.ts';
export { PersonSeenStore, PendingDetailsStore, DETAILS_WAIT_S, type PendingDetails } from './stores.ts';
export { codeAttributes, cardAttributes, mrzAttributes, type Attributes } from './attributes.ts';
export { StayStore, countSettled, COUNT_REASONS, READING_WAIT_S, type Stay, type StayGuest, type StayAnswer, type CountReason } from './stays.ts';
export { guestCategory, type GuestCategory, type GuestRead } from './policy.ts';
export { AttendanceStore, type AttendanceSummary, type MeetingSummary } from './attendance-store.ts';
export { attendanceWindow, type AttendanceLookups, type SignIn } from './attendance.ts';
export { AppointmentStore } from './appointment-store.ts';
export { appointmentStep, signInOpens, registrationOrder, type AppointmentLookups, type AppointmentSignIn, type AppointmentSignedIn } from './appointments.ts';
export { ticketAction, ticketCategories, departments, openIn, hoursText, hallPerson, type TicketAction } from './categories.ts';
export type { TicketCategory } from './types.ts';
export { ActiveTicketStore } from './active-tickets.ts';
