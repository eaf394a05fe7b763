// Every error the kiosk routes answer, as `{ error, message }` with the HTTP status (ApiError).
// docs/terminal-errors.md documents the same list; a test keeps the two in step.
export const API_ERRORS = {
  YSS_API_PIN_WRONG: { status: 401, message: 'The staff PIN is wrong' },
  YSS_API_PIN_LOCKED: { status: 429, message: 'Too many wrong staff PINs; wait before trying again' },
  YSS_API_STAFF_DISABLED: { status: 403, message: 'Staff sign-in is disabled: no staff PIN is configured' },
  YSS_API_UNAUTHORIZED: { status: 401, message: 'A staff session is required: sign in with the staff PIN' },
  YSS_API_FOREIGN_ORIGIN: { status: 403, message: 'Requests from another origin are refused' },
  YSS_API_WRONG_HOST: { status: 421, message: 'This daemon answers only to its own loopback names (127.0.0.1, localhost, [::1]) and port' },
  YSS_API_TOO_MANY_SOCKETS: { status: 503, message: 'Too many event sockets are open at once' },
  YSS_API_BAD_REQUEST: { status: 400, message: 'The request body is not valid' },
  YSS_API_NO_REGISTRATION: { status: 404, message: 'This scenario has no registration step' },
  YSS_API_NOT_KIOSK_ORIGIN: { status: 403, message: 'Only the kiosk page itself may report camera readings' },
  YSS_API_NO_CAMERA: { status: 404, message: 'No camera-scanner device is configured' },
  YSS_API_NO_STAYS: { status: 404, message: 'This venue does not register stays (no "stay" section)' },
  YSS_API_STAY_NOT_FOUND: { status: 404, message: 'No such stay or guest' },
  YSS_API_STAY_CONFLICT: { status: 409, message: 'The stay is not in a state that allows this' },
  YSS_API_NO_LOANS: { status: 404, message: 'This venue lends nothing (no "loans" section)' },
  YSS_API_NO_LOAN_SESSION: { status: 409, message: 'No loan session is open: the reader scans their code first' },
  YSS_API_NO_ATTENDANCE: { status: 404, message: 'This venue takes no attendance (no "attendance" section)' },
} as const;
export type ApiErrorCode = keyof typeof API_ERRORS;
