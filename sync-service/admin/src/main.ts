// The fleet page: served by the sync service at /admin/, reading the operator routes with the
// operator's bearer token (kept in this tab's sessionStorage only). Everything shown comes from
// terminals or operators and is set as text, never as HTML.
import { apiClient, el, HttpError } from '../../page-common/http.ts';
// What the page reads is typed by the service itself, imported as types only (nothing of the
// service reaches the bundle): the overview as fleet.ts builds it, the other replies as their
// response schemas let them through.
import type { FleetOverview, FleetTerminal } from '../../src/fleet.ts';
import type { ActivityReply, AuditReply, OperatorMeReply, PoliceOverdueReply } from '../../src/schemas.ts';

type Lang = 'zh-CN' | 'en';

const TEXT = {
  'zh-CN': {
    title: 'yss-edge 终端管理',
    signin: '操作员登录',
    token: '操作员令牌',
    signin_button: '登录',
    signout: '退出',
    lang: 'English',
    bad_token: '令牌无效:不是任何操作员的令牌。',
    rate_limited: '尝试次数过多,请稍后再试。',
    unreachable: '无法连接同步服务。',
    alerts: '告警',
    no_alerts: '没有告警。',
    terminals: '终端',
    activity: '各场所事件(近 24 小时,每小时)',
    no_activity: '近 24 小时没有事件。',
    trust: '信任列表',
    trust_none: '尚未发布信任列表。',
    trust_line: '当前序号 {seq},发布于 {age}前',
    enroll: '登记新终端',
    enroll_name: '终端名称',
    enroll_button: '生成登记码',
    enroll_done: '终端 {id} 的一次性登记码(只显示这一次):',
    audit: '个人数据查看审计',
    audit_none: '没有人查看过加密的个人数据。',
    audit_chain_ok: '{file}:{n} 条,链完整',
    audit_chain_broken: '{file}:第 {line} 行链断开,记录不可信',
    updated: '更新于 {time}',
    revoke: '吊销',
    revoke_confirm: '吊销终端 {name}({id})?它将无法再上传。',
    col_terminal: '终端',
    col_venue: '场所',
    col_state: '状态',
    col_heartbeat: '最后心跳',
    col_backlog: '未上传',
    col_trust: '信任列表',
    col_devices: '设备',
    col_error: '同步错误',
    col_at: '时间',
    col_operator: '操作员',
    col_events: '事件',
    col_purpose: '目的',
    col_hour: '小时',
    col_actions: '操作',
    state_online: '在线',
    state_silent: '失联',
    state_pending: '待登记',
    state_revoked: '已吊销',
    replaces: '替换 {id}',
    ago: '{age}前',
    never: '从未',
    kind_silent: '失联',
    kind_backlog: '积压',
    kind_trust_stale: '信任列表过旧',
    kind_sync_error: '同步错误',
    kind_degraded: '设备异常',
    kind_reset: '链重置',
    kind_config_rejected: '配置未生效',
    forbidden_fleet: '你的角色不含 fleet,只能查看审计。',
    col_feeds: '数据源',
    col_config: '配置版本',
    config_file: '本机文件',
    config_pushed: '已推送 {v}',
    config_refused: '拒绝 {v}',
    feeds: '已发布的场所数据源',
    feeds_none: '尚未发布任何场所数据源。',
    col_kind: '类型',
    col_version: '版本',
    col_rows: '行数',
    col_published: '发布于',
    venue_configs: '场所配置推送',
    venue_configs_none: '尚未向任何场所推送配置。',
    col_keys: '内容',
    col_reached: '已生效 / 终端',
    col_refused: '拒绝',
    police: '旅业上报期限',
    police_none: '没有临近期限或已逾期的旅业上报。',
    police_counts: '逾期 {overdue},临近期限 {due_soon}',
    kind_police_overdue: '旅业上报逾期',
    kind_police_due_soon: '旅业上报临近期限',
    police_overdue_detail: '{n} 条已过期限仍未被公安接收',
    police_due_soon_detail: '{n} 条将在期限前未被接收',
    col_report: '上报',
    col_deadline: '期限',
    col_alert: '告警',
    report_check_in: '入住',
    report_check_out: '退房',
    police_state_pending: '等待发送',
    police_state_sent: '已发送,未答复',
    police_state_rejected: '被退回',
    alert_overdue: '已逾期',
    alert_due_soon: '临近期限',
    deadline_in: '{age}后',
  },
  en: {
    title: 'yss-edge fleet',
    signin: 'Operator sign-in',
    token: 'Operator token',
    signin_button: 'Sign in',
    signout: 'Sign out',
    lang: '中文',
    bad_token: 'That token is not an operator’s.',
    rate_limited: 'Too many tries; wait a little and try again.',
    unreachable: 'The sync service cannot be reached.',
    alerts: 'Alerts',
    no_alerts: 'No alerts.',
    terminals: 'Terminals',
    activity: 'Events per venue (last 24 h, hourly)',
    no_activity: 'No events in the last 24 hours.',
    trust: 'Trust list',
    trust_none: 'No trust list published yet.',
    trust_line: 'Sequence {seq}, published {age} ago',
    enroll: 'Enroll a terminal',
    enroll_name: 'Terminal name',
    enroll_button: 'Make an enrollment code',
    enroll_done: 'One-time enrollment code for {id} (shown this once):',
    audit: 'Who opened personal data',
    audit_none: 'No one has opened sealed personal data.',
    audit_chain_ok: '{file}: {n} records, chain intact',
    audit_chain_broken: '{file}: chain broken at line {line}; its records cannot be trusted',
    updated: 'Updated {time}',
    revoke: 'Revoke',
    revoke_confirm: 'Revoke terminal {name} ({id})? It will not be able to upload again.',
    col_terminal: 'Terminal',
    col_venue: 'Venue',
    col_state: 'State',
    col_heartbeat: 'Last heartbeat',
    col_backlog: 'Unsent',
    col_trust: 'Trust list',
    col_devices: 'Devices',
    col_error: 'Sync error',
    col_at: 'When',
    col_operator: 'Operator',
    col_events: 'Events',
    col_purpose: 'Purpose',
    col_hour: 'Hour',
    col_actions: 'Actions',
    state_online: 'online',
    state_silent: 'silent',
    state_pending: 'pending',
    state_revoked: 'revoked',
    replaces: 'replaces {id}',
    ago: '{age} ago',
    never: 'never',
    kind_silent: 'Silent',
    kind_backlog: 'Backlog',
    kind_trust_stale: 'Old trust list',
    kind_sync_error: 'Sync error',
    kind_degraded: 'Device trouble',
    kind_reset: 'Chain reset',
    kind_config_rejected: 'Config not applied',
    forbidden_fleet: 'Your roles do not include fleet: only the audit is shown.',
    col_feeds: 'Feeds',
    col_config: 'Config',
    config_file: 'its file',
    config_pushed: 'pushed {v}',
    config_refused: 'refused {v}',
    feeds: 'Venue feeds published',
    feeds_none: 'No venue feed published yet.',
    col_kind: 'Kind',
    col_version: 'Version',
    col_rows: 'Rows',
    col_published: 'Published',
    venue_configs: 'Venue config pushes',
    venue_configs_none: 'No config pushed to a venue yet.',
    col_keys: 'Sets',
    col_reached: 'Applied / terminals',
    col_refused: 'Refused',
    police: 'Police report deadlines',
    police_none: 'No police report is near its deadline or overdue.',
    police_counts: '{overdue} overdue, {due_soon} due soon',
    kind_police_overdue: 'Police reports overdue',
    kind_police_due_soon: 'Police reports due soon',
    police_overdue_detail: '{n} past their deadline and not accepted by the police',
    police_due_soon_detail: '{n} near their deadline and not accepted yet',
    col_report: 'Report',
    col_deadline: 'Deadline',
    col_alert: 'Alert',
    report_check_in: 'check-in',
    report_check_out: 'check-out',
    police_state_pending: 'waiting to send',
    police_state_sent: 'sent, no answer yet',
    police_state_rejected: 'rejected',
    alert_overdue: 'overdue',
    alert_due_soon: 'due soon',
    deadline_in: 'in {age}',
  },
} as const;

type Key = keyof (typeof TEXT)['en'];

let lang: Lang = (sessionStorage.getItem('yss-admin-lang') as Lang | null) ?? (navigator.language.startsWith('zh') ? 'zh-CN' : 'en');
function t(key: Key, vars: Record<string, string | number> = {}): string {
  return TEXT[lang][key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

/** A DOM element with text children only. */
const h = el;

function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (lang === 'zh-CN') return s < 120 ? `${s} 秒` : s < 7200 ? `${Math.round(s / 60)} 分钟` : s < 172_800 ? `${Math.round(s / 3600)} 小时` : `${Math.round(s / 86_400)} 天`;
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : s < 172_800 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86_400)} d`;
}

const time = (ms: number) => new Date(ms).toLocaleString(lang, { hour12: false });

let token = sessionStorage.getItem('yss-admin-token');

const api = apiClient(() => token, () => t('unreachable'));

const main = document.getElementById('main')!;
let me: OperatorMeReply | null = null;
let timer: number | undefined;

function applyStaticText(): void {
  document.documentElement.lang = lang;
  document.title = t('title');
  for (const el of document.querySelectorAll<HTMLElement>('[data-t]')) el.textContent = t(el.dataset.t as Key);
  document.getElementById('lang')!.textContent = t('lang');
}

function showSignIn(message?: string): void {
  me = null;
  window.clearInterval(timer);
  document.getElementById('who')!.hidden = true;
  main.replaceChildren(signInForm(message));
}

function signInForm(message?: string): HTMLElement {
  const input = h('input', { id: 'token', name: 'token', type: 'password', required: '', minlength: '8', maxlength: '500', autocomplete: 'current-password' }) as HTMLInputElement;
  const error = h('p', { id: 'signin-error', class: 'error', role: 'alert' }, message ?? '');
  error.hidden = !message;
  const form = h('form', { id: 'signin', class: 'card', autocomplete: 'off' }, h('h2', {}, t('signin')), h('label', { for: 'token' }, t('token')), input, h('button', { type: 'submit' }, t('signin_button')), error);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    token = input.value.trim();
    void start();
  });
  return form;
}

async function start(): Promise<void> {
  try {
    me = await api<OperatorMeReply>('GET', '/admin/me');
  } catch (e) {
    const err = e as HttpError;
    token = null;
    sessionStorage.removeItem('yss-admin-token');
    showSignIn(err.status === 401 ? t('bad_token') : err.status === 429 ? `${t('rate_limited')} ${err.message}` : err.status === 0 ? t('unreachable') : err.message);
    return;
  }
  sessionStorage.setItem('yss-admin-token', token!);
  const who = document.getElementById('who')!;
  const out = h('button', { type: 'button', class: 'link', id: 'signout' }, t('signout'));
  out.addEventListener('click', () => {
    token = null;
    sessionStorage.removeItem('yss-admin-token');
    showSignIn();
  });
  who.replaceChildren(`${me.name} (${me.roles.join(', ')}) `, out);
  who.hidden = false;
  await refresh();
  window.clearInterval(timer);
  timer = window.setInterval(() => void refresh(), 15_000);
}

async function refresh(): Promise<void> {
  if (!me) return;
  const fleet = me.roles.includes('fleet');
  try {
    const [overview, activity, police, audit] = await Promise.all([
      fleet ? api<FleetOverview>('GET', '/admin/overview') : null,
      fleet ? api<ActivityReply>('GET', '/admin/activity?hours=24') : null,
      fleet ? api<PoliceOverdueReply>('GET', '/admin/police/overdue') : null,
      api<AuditReply>('GET', '/admin/audit?limit=50'),
    ]);
    const sections: HTMLElement[] = [];
    if (overview && activity && police) sections.push(alertsCard(overview, police), policeCard(overview, police), terminalsCard(overview), activityCard(activity), trustCard(overview), feedsCard(overview), venueConfigsCard(overview), enrollCard());
    else sections.push(h('p', { class: 'card' }, t('forbidden_fleet')));
    sections.push(auditCard(audit), h('p', { class: 'muted', id: 'updated' }, t('updated', { time: time(overview?.now ?? Date.now()) })));
    main.replaceChildren(...sections);
  } catch (e) {
    const err = e as HttpError;
    if (err.status === 401) showSignIn(t('bad_token'));
    else main.prepend(h('p', { class: 'error', role: 'alert' }, err.message));
  }
}

function alertsCard(o: FleetOverview, p: PoliceOverdueReply): HTMLElement {
  // The police deadlines are one alert per kind here; the reports themselves are in their own card.
  const police = (['overdue', 'due_soon'] as const)
    .filter((k) => p[k] > 0)
    .map((k) => h('li', { class: k === 'due_soon' ? 'warn' : '', 'data-alert': `police_${k}` }, h('span', { class: 'kind' }, t(`kind_police_${k}`)), h('a', { href: '#h-police' }, t(`police_${k}_detail`, { n: p[k] }))));
  const items = [
    ...police,
    ...o.alerts.map((a) =>
      h('li', { class: a.kind === 'degraded' || a.kind === 'trust_stale' ? 'warn' : '', 'data-alert': a.kind }, h('span', { class: 'kind' }, t(`kind_${a.kind}`)), a.detail, a.since ? h('span', { class: 'muted' }, ` · ${t('ago', { age: age(o.now - a.since) })}`) : null),
    ),
  ];
  const list = items.length ? h('ul', { class: 'alerts' }, ...items) : h('p', {}, t('no_alerts'));
  return h('section', { class: 'card', 'aria-labelledby': 'h-alerts' }, h('h2', { id: 'h-alerts' }, `${t('alerts')} (${items.length})`), list);
}

/** Every venue's reports past their alert time and not accepted, soonest deadline first (the route's order). */
function policeCard(o: FleetOverview, p: PoliceOverdueReply): HTMLElement {
  const names = new Map(o.terminals.map((x) => [x.id, x.name]));
  const body = p.reports.length
    ? h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ...(['col_venue', 'col_terminal', 'col_report', 'col_state', 'col_deadline', 'col_alert'] as const).map((k) => h('th', { scope: 'col' }, t(k))))),
        h(
          'tbody',
          {},
          ...p.reports.map((r) =>
            h(
              'tr',
              { 'data-police': r.id, 'data-alert': r.alert },
              h('td', {}, r.venue),
              h('td', {}, names.get(r.terminal_id) ?? r.terminal_id),
              h('td', {}, `${t(`report_${r.kind}`)} `, h('span', { class: 'muted' }, r.id)),
              h('td', {}, r.state === 'accepted' ? '' : t(`police_state_${r.state}`), r.reason ? h('div', { class: 'muted' }, r.reason) : null),
              h('td', {}, time(r.deadline_at), h('div', { class: 'muted' }, r.deadline_at > p.now ? t('deadline_in', { age: age(r.deadline_at - p.now) }) : t('ago', { age: age(p.now - r.deadline_at) }))),
              h('td', { class: `state ${r.alert === 'overdue' ? 'silent' : 'pending'}` }, t(`alert_${r.alert}`)),
            ),
          ),
        ),
      )
    : h('p', {}, t('police_none'));
  const counts = p.reports.length ? ` (${t('police_counts', { overdue: p.overdue, due_soon: p.due_soon })})` : '';
  return h('section', { class: 'card', id: 'police', 'aria-labelledby': 'h-police' }, h('h2', { id: 'h-police' }, `${t('police')}${counts}`), body);
}

function terminalsCard(o: FleetOverview): HTMLElement {
  const head = h(
    'tr',
    {},
    ...(['col_terminal', 'col_venue', 'col_state', 'col_heartbeat', 'col_backlog', 'col_trust', 'col_feeds', 'col_config', 'col_devices', 'col_error'] as const).map((k) => h('th', { scope: 'col' }, t(k))),
    h('th', { scope: 'col' }, t('col_actions')),
  );
  const rows = o.terminals.map((x) => {
    const state = x.status === 'active' ? (x.online ? 'online' : 'silent') : x.status;
    let revoke: HTMLElement | null = null;
    if (x.status !== 'revoked') {
      revoke = h('button', { type: 'button', class: 'danger', 'aria-label': `${t('revoke')} ${x.name}` }, t('revoke'));
      revoke.addEventListener('click', () => {
        if (!window.confirm(t('revoke_confirm', { name: x.name, id: x.id }))) return;
        void api('POST', `/admin/terminals/${encodeURIComponent(x.id)}/revoke`).then(refresh, (e: Error) => main.prepend(h('p', { class: 'error', role: 'alert' }, e.message)));
      });
    }
    return h(
      'tr',
      { 'data-terminal': x.id },
      h('th', { scope: 'row' }, x.name, h('br'), h('span', { class: 'muted' }, x.id), x.replaces ? h('div', { class: 'muted' }, t('replaces', { id: x.replaces })) : null),
      h('td', {}, x.venue ?? '—'),
      h('td', { class: `state ${state}` }, t(`state_${state}` as Key)),
      h('td', {}, x.last_heartbeat_at ? t('ago', { age: age(o.now - x.last_heartbeat_at) }) : t('never')),
      h('td', { class: 'num' }, x.backlog == null ? '—' : `${x.backlog}${x.oldest_unsent_age_s ? ` (${age(x.oldest_unsent_age_s * 1000)})` : ''}`),
      h('td', { class: 'num' }, x.trust_sequence == null ? '—' : String(x.trust_sequence)),
      h('td', { class: 'feeds' }, terminalFeeds(x.feeds)),
      configCell(x.config, x.last_heartbeat_at != null),
      h('td', {}, x.devices.map((d) => `${d.id}: ${d.state}`).join(', ') || '—'),
      h('td', {}, x.sync_error ?? ''),
      h('td', {}, revoke),
    );
  });
  return h('section', { class: 'card', 'aria-labelledby': 'h-terminals' }, h('h2', { id: 'h-terminals' }, `${t('terminals')} (${o.terminals.length})`), h('table', {}, h('thead', {}, head), h('tbody', {}, ...rows)));
}

/** A terminal's feeds as its heartbeat reported them: kind, version and how long since the service confirmed it. */
function terminalFeeds(feeds: unknown): string {
  if (!Array.isArray(feeds) || !feeds.length) return '—';
  return feeds
    .map((f: { kind?: unknown; version?: unknown; age_s?: unknown }) => `${String(f.kind)} ${f.version == null ? '—' : `v${String(f.version)}`}${typeof f.age_s === 'number' ? ` (${age(f.age_s * 1000)})` : ''}`)
    .join(', ');
}

/** The config version a terminal runs, the newest pushed when it is another, and the last push it refused. */
function configCell(c: FleetTerminal['config'], reported: boolean): HTMLElement {
  // Before its first heartbeat a terminal has said nothing of what it runs.
  const cell = h('td', { class: 'config' }, c.applied != null ? `v${c.applied}` : reported ? t('config_file') : '—');
  if (c.published != null && c.published !== c.applied) cell.append(h('div', { class: 'muted' }, t('config_pushed', { v: `v${c.published}` })));
  if (c.rejected) cell.append(h('div', { class: 'error', title: c.rejected.reason }, `${t('config_refused', { v: `v${c.rejected.version}` })}: ${c.rejected.reason}`));
  return cell;
}

/** Each venue's newest config push: what it sets, who pushed it, how many of its terminals run it or refused it. */
function venueConfigsCard(o: FleetOverview): HTMLElement {
  const cols = ['col_venue', 'col_version', 'col_keys', 'col_operator', 'col_published', 'col_reached', 'col_refused'] as const;
  const num = new Set<string>(['col_version', 'col_reached', 'col_refused']);
  const body = o.venue_configs.length
    ? h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ...cols.map((k) => h('th', { scope: 'col', ...(num.has(k) ? { class: 'num' } : {}) }, t(k))))),
        h(
          'tbody',
          {},
          ...o.venue_configs.map((v) =>
            h(
              'tr',
              { 'data-venue-config': v.venue },
              h('td', {}, v.venue),
              h('td', { class: 'num' }, `v${v.version}`),
              h('td', {}, v.keys.join(', ')),
              h('td', {}, v.operator),
              h('td', {}, t('ago', { age: age(o.now - v.published_at) })),
              h('td', { class: 'num' }, `${v.applied} / ${v.terminals}`),
              h('td', { class: v.rejected ? 'num error' : 'num' }, String(v.rejected)),
            ),
          ),
        ),
      )
    : h('p', {}, t('venue_configs_none'));
  return h('section', { class: 'card', 'aria-labelledby': 'h-venue-configs' }, h('h2', { id: 'h-venue-configs' }, t('venue_configs')), body);
}

function feedsCard(o: FleetOverview): HTMLElement {
  const body = o.feeds.length
    ? h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ...(['col_venue', 'col_kind', 'col_version', 'col_rows', 'col_published'] as const).map((k) => h('th', { scope: 'col', ...(k === 'col_version' || k === 'col_rows' ? { class: 'num' } : {}) }, t(k))))),
        h(
          'tbody',
          {},
          ...o.feeds.map((f) =>
            h('tr', { 'data-feed': `${f.venue}/${f.kind}` }, h('td', {}, f.venue), h('td', {}, f.kind), h('td', { class: 'num' }, String(f.version)), h('td', { class: 'num' }, String(f.rows)), h('td', {}, t('ago', { age: age(o.now - f.published_at) }))),
          ),
        ),
      )
    : h('p', {}, t('feeds_none'));
  return h('section', { class: 'card', 'aria-labelledby': 'h-feeds' }, h('h2', { id: 'h-feeds' }, t('feeds')), body);
}

// Colour-blind-safe (Okabe–Ito), dark enough on white for lines and legend swatches.
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#8a6d00', '#56B4E9', '#000000'];
const SVG = 'http://www.w3.org/2000/svg';

function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

function activityCard(a: ActivityReply): HTMLElement {
  const card = h('section', { class: 'card', 'aria-labelledby': 'h-activity' }, h('h2', { id: 'h-activity' }, t('activity')));
  if (!a.hours.length) {
    card.append(h('p', {}, t('no_activity')));
    return card;
  }
  const venues = [...new Set(a.hours.map((x) => x.venue))].sort();
  const slots = 24;
  const series = venues.map((v) => {
    const counts = new Array<number>(slots).fill(0);
    for (const x of a.hours) if (x.venue === v) counts[Math.round((x.hour - a.since) / a.hour_ms)] = x.count;
    return { venue: v, counts };
  });
  const max = Math.max(1, ...series.flatMap((s) => s.counts));
  const W = 960;
  const H = 240;
  const L = 48;
  const B = 24;
  const x = (i: number) => L + (i * (W - L - 8)) / (slots - 1);
  const y = (n: number) => H - B - (n * (H - B - 8)) / max;
  const plot = svg('svg', { class: 'plot', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'h-activity' });
  plot.append(svg('line', { x1: L, y1: H - B, x2: W, y2: H - B, stroke: '#999' }), svg('text', { x: 4, y: 14 }, String(max)), svg('text', { x: 4, y: H - B }, '0'));
  for (let i = 0; i < slots; i += 4) plot.append(svg('text', { x: x(i), y: H - 6 }, new Date(a.since + i * a.hour_ms).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit', hour12: false })));
  series.forEach((s, k) => {
    plot.append(svg('polyline', { fill: 'none', stroke: PALETTE[k % PALETTE.length]!, 'stroke-width': 2.5, points: s.counts.map((n, i) => `${x(i)},${y(n)}`).join(' '), 'data-venue': s.venue }));
  });
  const legend = h(
    'ul',
    { class: 'legend' },
    ...series.map((s, k) => {
      const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.background = PALETTE[k % PALETTE.length]!; // CSSOM, which the page's CSP allows (a style attribute it does not)
      return h('li', {}, swatch, `${s.venue}: ${s.counts.reduce((p, n) => p + n, 0)}`);
    }),
  );
  // The same numbers as a table, for screen readers and for copying.
  const table = h(
    'table',
    {},
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('col_hour')), ...venues.map((v) => h('th', { scope: 'col' }, v)))),
    h(
      'tbody',
      {},
      ...[...new Set(a.hours.map((x) => x.hour))].sort((p, q) => p - q).map((hour) => h('tr', {}, h('th', { scope: 'row' }, time(hour)), ...venues.map((v) => h('td', { class: 'num' }, String(a.hours.find((x) => x.hour === hour && x.venue === v)?.count ?? 0))))),
    ),
  );
  card.append(plot, legend, h('details', {}, h('summary', {}, t('activity')), table));
  return card;
}

function trustCard(o: FleetOverview): HTMLElement {
  const line = o.trust_list ? t('trust_line', { seq: o.trust_list.sequence, age: age(o.now - o.trust_list.published_at) }) : t('trust_none');
  return h('section', { class: 'card', 'aria-labelledby': 'h-trust' }, h('h2', { id: 'h-trust' }, t('trust')), h('p', {}, line));
}

function enrollCard(): HTMLElement {
  const input = h('input', { id: 'enroll-name', required: '', maxlength: '64' }) as HTMLInputElement;
  const result = h('div', { role: 'status' });
  const form = h('form', { class: 'row' }, h('div', {}, h('label', { for: 'enroll-name' }, t('enroll_name')), h('br'), input), h('button', { type: 'submit' }, t('enroll_button')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    api<{ terminal_id: string; enrollment_code: string }>('POST', '/admin/terminals', { name: input.value.trim() }).then(
      (r) => {
        window.clearInterval(timer); // keep the code on screen until the operator has copied it
        result.replaceChildren(h('p', {}, t('enroll_done', { id: r.terminal_id }), ' ', h('span', { class: 'code', id: 'enrollment-code' }, r.enrollment_code)));
      },
      (err: Error) => result.replaceChildren(h('p', { class: 'error' }, err.message)),
    );
  });
  return h('section', { class: 'card', 'aria-labelledby': 'h-enroll' }, h('h2', { id: 'h-enroll' }, t('enroll')), form, result);
}

function auditCard(a: AuditReply): HTMLElement {
  const chains = h('ul', {}, ...a.chains.map((c) => (c.ok ? h('li', {}, t('audit_chain_ok', { file: c.file, n: c.records })) : h('li', { class: 'chain-broken' }, t('audit_chain_broken', { file: c.file, line: c.broken_at ?? 0 })))));
  const body = a.records.length
    ? h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ...(['col_at', 'col_operator', 'col_terminal', 'col_events', 'col_purpose'] as const).map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, ...a.records.map((r) => h('tr', {}, h('td', {}, time(r.at)), h('td', {}, r.operator), h('td', {}, r.terminal_id), h('td', {}, r.seqs.join(', ') + (r.unopened.length ? ` (+${r.unopened.length} ✗)` : '')), h('td', {}, r.purpose)))),
      )
    : h('p', {}, t('audit_none'));
  return h('section', { class: 'card', 'aria-labelledby': 'h-audit' }, h('h2', { id: 'h-audit' }, t('audit')), chains, body);
}

document.getElementById('lang')!.addEventListener('click', () => {
  lang = lang === 'en' ? 'zh-CN' : 'en';
  sessionStorage.setItem('yss-admin-lang', lang);
  applyStaticText();
  if (me) void refresh();
  else showSignIn();
});

applyStaticText();
if (token) void start();
else showSignIn();
