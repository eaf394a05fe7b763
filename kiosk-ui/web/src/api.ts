// The daemon's kiosk routes (terminal/src/api/kiosk-routes.ts), typed by the shared contract.
import type {
  ActionResult,
  AttendanceSummary,
  ApiError,
  CountConfirmRequest,
  CorrectionRequest,
  ForeignDetailsRequest,
  LoanSessionMessage,
  RegistrationRequest,
  SelfDetailsRequest,
  StaffLoginResponse,
  StaffOverview,
  StaysOverview,
  StayRegistrationResult,
  StayView,
} from '../../../terminal/src/api/messages.ts';

export type Answer<T> = { ok: true; value: T } | { ok: false; status: number; error: ApiError | null };

async function call<T>(method: string, path: string, body?: unknown, token?: string): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json: unknown = await r.json().catch(() => null);
    return r.ok ? { ok: true, value: json as T } : { ok: false, status: r.status, error: json as ApiError | null };
  } catch {
    return { ok: false, status: 0, error: null };
  }
}

export const api = {
  login: (pin: string) => call<StaffLoginResponse>('POST', '/api/staff/login', { pin }),
  logout: (token: string) => call<ActionResult>('POST', '/api/staff/logout', {}, token),
  overview: (token: string) => call<StaffOverview>('GET', '/api/staff/overview', undefined, token),
  testTicket: (token: string) => call<ActionResult>('POST', '/api/staff/test-ticket', {}, token),
  register: (req: RegistrationRequest) => call<StayRegistrationResult>('POST', '/api/registration', req),
  selfDetails: (req: SelfDetailsRequest) => call<StayView>('POST', '/api/registration/details', req),
  checkoutScan: (seq: number) => call<StayView>('POST', '/api/checkout', { seq }),
  finishLoans: () => call<LoanSessionMessage>('POST', '/api/loans/finish', {}),
  stays: (token: string) => call<StaysOverview>('GET', '/api/staff/stays', undefined, token),
  attendance: (token: string) => call<AttendanceSummary>('GET', '/api/staff/attendance', undefined, token),
  details: (token: string, guest: number, body: ForeignDetailsRequest) => call<StayView>('POST', `/api/staff/guests/${guest}/details`, body, token),
  correct: (token: string, guest: number, body: CorrectionRequest) => call<StayView>('POST', `/api/staff/guests/${guest}/correct`, body, token),
  confirmCount: (token: string, stay: number, body: CountConfirmRequest) => call<StayView>('POST', `/api/staff/stays/${stay}/count`, body, token),
  checkoutGuest: (token: string, guest: number) => call<StayView>('POST', `/api/staff/guests/${guest}/checkout`, {}, token),
  checkoutRoom: (token: string, stay: number) => call<StayView>('POST', `/api/staff/stays/${stay}/checkout`, {}, token),
};
