// A library terminal's routes (venue `loans`, docs/library.md): the kiosk reads the loan session
// and presses finish or renew; none carries personal data (counts, times, item numbers and titles). And a meeting's
// attendance summary for the organizer on the staff panel.
import type { FastifyInstance } from 'fastify';
import type { LoanDesk } from '../loans/index.ts';
import type { AttendanceSummary } from '../venue/index.ts';
import { fail, type RouteGuards } from './kiosk-routes.ts';

export function loanRoutes(app: FastifyInstance, guards: RouteGuards, desk: LoanDesk | null): void {
  const { sameOrigin } = guards;
  app.get('/api/loans', { onRequest: sameOrigin }, async (_req, reply) => (desk ? desk.state() : fail(reply, 'YSS_API_NO_LOANS')));
  app.post('/api/loans/finish', { onRequest: sameOrigin }, async (_req, reply) => (desk ? desk.finish() : fail(reply, 'YSS_API_NO_LOANS')));
  app.post('/api/loans/renew', { onRequest: sameOrigin }, async (_req, reply) => {
    if (!desk) return fail(reply, 'YSS_API_NO_LOANS');
    return (await desk.renew()) ?? fail(reply, 'YSS_API_NO_LOAN_SESSION');
  });
}

/** The organizer's summary of today's meetings (venue `attendance`, docs/meetings.md), behind the staff session: masked names only. */
export function attendanceRoute(app: FastifyInstance, guards: RouteGuards, summary: (() => AttendanceSummary) | null): void {
  app.get('/api/staff/attendance', { onRequest: guards.staffOnly }, async (_req, reply) => (summary ? summary() : fail(reply, 'YSS_API_NO_ATTENDANCE')));
}
