// The organizer's attendance summary inside the staff panel (venues with an `attendance` section):
// each of today's meetings with how many came on time, came late and are absent, and their masked
// names as the roster gives them. No holder hash or document reaches this page.
import type { AttendanceSummary, MeetingSummary } from '../../../../terminal/src/api/messages.ts';
import { h } from '../dom.ts';
import type { Ctx } from '../view.ts';

function meeting(ctx: Ctx, m: MeetingSummary): HTMLElement {
  const { t } = ctx;
  const group = (k: 'present' | 'late' | 'absent') =>
    h('tr', { 'data-group': k }, h('th', { scope: 'row' }, t(k === 'late' ? 'attendance.late.group' : `attendance.${k}`)), h('td', { 'data-count': m[k] }, String(m[k])), h('td', {}, m.names[k].join('、')));
  return h(
    'section',
    { class: 'staff-section', 'data-meeting': m.meeting },
    h('h3', {}, t('attendance.meeting', { meeting: m.meeting, start: m.starts_at.slice(11, 16), n: m.expected })),
    h('table', { class: 'staff-table' }, h('tbody', {}, group('present'), group('late'), group('absent'))),
  );
}

export function attendance(ctx: Ctx, s: AttendanceSummary): HTMLElement {
  const { t } = ctx;
  return h(
    'section',
    { class: 'staff-section', 'data-section': 'attendance' },
    h('h2', {}, t('attendance.title')),
    s.meetings.length ? s.meetings.map((m) => meeting(ctx, m)) : h('p', {}, t('attendance.none')),
  );
}
