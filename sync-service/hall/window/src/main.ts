// The window page (docs/hall.md, "The calling side"): served by the hall's sync service at
// /hall-window/?hall=<venue name>&window=<n>, signed in with an operator token that has the
// `window` role (kept in this tab's sessionStorage only). It reads GET /hall/:hall/state every
// two seconds and sends each clerk's step to POST /hall/:hall/steps; what the service answers is
// what the page shows. Everything shown is set as text, never as HTML.
import { apiClient, el, HttpError } from '../../../page-common/http.ts';
import type { HallStateReply, HallStepReply, HallStepRequest } from '../../../src/schemas.ts';

// The service's own reply and request types, from the route schemas it validates and serializes
// with (types only: nothing of the server reaches this bundle): a changed reply fails tsc here.
type State = HallStateReply;

const POLL_MS = 2000;
const params = new URLSearchParams(location.search);
const TOKEN_KEY = 'yss-window-token';
let token = sessionStorage.getItem(TOKEN_KEY);
let hall = params.get('hall') ?? sessionStorage.getItem('yss-window-hall') ?? 'hall';
let windowNo = Number(params.get('window') ?? sessionStorage.getItem('yss-window-no') ?? '1');
let serves = params.get('serves') ?? sessionStorage.getItem('yss-window-serves') ?? '';
let state: State | null = null;
let error = '';
let busy = false;
let timer: ReturnType<typeof setTimeout> | null = null;
let transferPick = '';
let transferOther = '';
/** The priority picked for 标记优先, one of the hall's labels (the venue file's, served with the state). */
let markLabel = '';

const FACES: [number, string, string][] = [
  [1, '😠', '非常不满意'],
  [2, '🙁', '不满意'],
  [3, '😐', '基本满意'],
  [4, '🙂', '满意'],
  [5, '😄', '非常满意'],
];

const api = apiClient(() => token, () => '无法连接叫号服务(大厅服务器)。');

function button(label: string, onClick: () => void, attrs: Record<string, string> = {}, disabled = false): HTMLButtonElement {
  const b = el('button', { type: 'button', ...attrs }, label);
  b.disabled = disabled || busy;
  b.addEventListener('click', onClick);
  return b;
}

const servesList = () => serves.split(/[,\s]+/).map((s) => s.trim().toUpperCase()).filter(Boolean);

function signinView(): HTMLElement {
  const form = el('form', { id: 'signin' });
  const tokenInput = el('input', { id: 'token', type: 'password', autocomplete: 'current-password', required: '' });
  const hallInput = el('input', { id: 'hall', value: hall, required: '', pattern: '[a-z][a-z0-9-]{0,39}' });
  const windowInput = el('input', { id: 'window', type: 'number', min: '1', max: '999', value: String(windowNo), required: '' });
  const servesInput = el('input', { id: 'serves', value: serves, placeholder: 'A,B(留空为全部)' });
  form.append(
    el('label', { for: 'token' }, '窗口人员令牌'),
    tokenInput,
    el('label', { for: 'hall' }, '大厅'),
    hallInput,
    el('label', { for: 'window' }, '窗口号'),
    windowInput,
    el('label', { for: 'serves' }, '本窗口办理的业务类型'),
    servesInput,
    el('button', { type: 'submit' }, '登录'),
    el('p', { class: 'error', role: 'alert' }, error),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    token = tokenInput.value;
    hall = hallInput.value;
    windowNo = Number(windowInput.value);
    serves = servesInput.value;
    void signIn();
  });
  return el('section', { class: 'card wide', 'aria-labelledby': 'signin-title' }, el('h2', { id: 'signin-title' }, '窗口人员登录'), form);
}

async function signIn(): Promise<void> {
  try {
    const me = await api<{ name: string; roles: string[] }>('GET', '/admin/me');
    if (!me.roles.includes('window')) throw new HttpError(403, 'YSS_SYNC_ADMIN_FORBIDDEN', `操作员 ${me.name} 没有窗口(window)角色。`);
    sessionStorage.setItem(TOKEN_KEY, token!);
    sessionStorage.setItem('yss-window-hall', hall);
    sessionStorage.setItem('yss-window-no', String(windowNo));
    sessionStorage.setItem('yss-window-serves', serves);
    const who = document.getElementById('who')!;
    who.hidden = false;
    who.replaceChildren(`${me.name} · ${hall} · ${windowNo} 号窗口 `, button('退出', signOut, { class: 'link' }));
    error = '';
    await refresh();
  } catch (e) {
    token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    error = e instanceof HttpError && e.status === 401 ? '令牌无效:不是任何操作员的令牌。' : (e as Error).message;
    render();
  }
}

function signOut(): void {
  token = null;
  state = null;
  sessionStorage.removeItem(TOKEN_KEY);
  document.getElementById('who')!.hidden = true;
  if (timer) clearTimeout(timer);
  render();
}

async function refresh(): Promise<void> {
  if (timer) clearTimeout(timer);
  let next = state;
  let nextError = error;
  try {
    const polled = await api<State>('GET', `/hall/${encodeURIComponent(hall)}/state`);
    // A poll sent before a step's answer arrived can come back after it: the older state is not shown.
    if (!state || polled.day !== state.day || polled.seq >= state.seq) next = polled;
  } catch (e) {
    nextError = (e as Error).message;
  }
  if (!token) return; // signed out while the poll was on its way
  // The page is redrawn only when what it shows changed: a redraw replaces the buttons, and a
  // click pressed on one and released on its replacement is no click (the clerk's 重呼 was lost).
  const changed = nextError !== error || (next !== state && shown(next) !== shown(state));
  state = next;
  error = nextError;
  if (changed) render();
  if (token) timer = setTimeout(() => void refresh(), POLL_MS);
}

/** What the page draws from a state: everything but the service's clock. */
function shown(s: State | null): string {
  return JSON.stringify(s && { ...s, server_time: undefined });
}

async function act(kind: HallStepRequest['kind'], extra: Omit<HallStepRequest, 'kind' | 'window'> = {}): Promise<void> {
  busy = true;
  render();
  try {
    const body: HallStepRequest = { kind, window: windowNo, ...extra };
    if (kind === 'call' && servesList().length) body.categories = servesList();
    const r = await api<HallStepReply>('POST', `/hall/${encodeURIComponent(hall)}/steps`, body);
    state = r.state;
    error = '';
  } catch (e) {
    error = e instanceof HttpError ? `${(e as HttpError).message}(${e.code})` : (e as Error).message;
  }
  busy = false;
  render();
}

function windowView(s: State): HTMLElement[] {
  const mine = s.windows.find((w) => w.window === windowNo);
  const cur = mine?.current ?? null;
  const panel = el('section', { class: 'card', 'aria-labelledby': 'cur-title' }, el('h2', { id: 'cur-title' }, `${windowNo} 号窗口 当前号码`));
  panel.append(el('p', { class: cur ? 'current' : 'current none', id: 'current' }, cur ? cur.number : mine?.paused ? '暂停服务' : '空闲'));
  if (cur) {
    const tags = el('p', { class: 'tags' }, `${cur.category} 类 · 已呼叫 ${cur.calls} 次`);
    if (cur.priority === 'elderly') tags.append(' · ', el('span', { class: 'tag-elderly' }, '长者优先'));
    panel.append(tags);
  }
  const actions = el(
    'div',
    { class: 'actions' },
    button('呼叫下一位', () => void act('call'), { id: 'call' }, !!cur),
    button('重呼', () => void act('recall'), { id: 'recall', class: 'secondary' }, !cur),
    button('过号', () => void act('miss'), { id: 'miss', class: 'secondary' }, !cur),
    button('办理完成', () => void act('complete'), { id: 'complete' }, !cur),
    button('暂停', () => void act('pause'), { id: 'pause', class: 'danger' }, !!cur || !!mine?.paused),
  );
  panel.append(actions);
  // 流转: to another category; the person keeps when they took the ticket and their priority.
  const known = [...new Set([...s.categories.map((c) => c.category), ...servesList()])].filter((c) => c !== cur?.category);
  const to = el('select', { id: 'to' });
  for (const c of known) to.append(el('option', { value: c }, `${c} 类`));
  if (known.includes(transferPick)) to.value = transferPick;
  to.addEventListener('change', () => (transferPick = to.value));
  // What the clerk typed survives the page's redraw every two seconds.
  const custom = el('input', { id: 'to-other', placeholder: '或输入类别,如 B', pattern: '[A-Za-z]{1,3}', size: '8', value: transferOther });
  custom.addEventListener('input', () => (transferOther = custom.value));
  panel.append(
    el(
      'div',
      { class: 'transfer' },
      el('label', { for: 'to' }, '流转到', to),
      el('label', { for: 'to-other' }, '其他类别', custom),
      button(
        '流转',
        () => {
          const target = (custom.value || to.value).toUpperCase();
          if (!/^[A-Z]{1,3}$/.test(target)) {
            error = '请选择或输入流转到的业务类别(1 到 3 个字母,如 B)。';
            render();
            return;
          }
          transferOther = '';
          void act('transfer', { to: target });
        },
        { id: 'transfer', class: 'secondary' },
        !cur,
      ),
    ),
  );
  panel.append(el('p', { class: 'error', role: 'alert', id: 'error' }, error));

  const out: HTMLElement[] = [panel];
  // 好差评: offered for the ticket this window just completed, once.
  if (!cur && mine?.last_done && !mine.last_done.rated) {
    const faces = el('div', { class: 'faces', role: 'group', 'aria-labelledby': 'eval-title' });
    for (const [rating, face, label] of FACES) {
      const b = button('', () => void act('evaluate', { rating }), { 'data-rating': String(rating), 'aria-label': `${label}(${rating} 分)` });
      b.append(el('span', { 'aria-hidden': 'true' }, face), label);
      faces.append(b);
    }
    out.push(el('section', { class: 'card', 'aria-labelledby': 'eval-title' }, el('h2', { id: 'eval-title' }, `请 ${mine.last_done.number} 号评价本次服务(好差评)`), faces));
  }

  const cats = el('table', {}, el('thead', {}, el('tr', {}, ...['类别', '等候', '平均办理', '开放窗口', '预计等候'].map((h) => el('th', { scope: 'col' }, h)))));
  const cb = el('tbody');
  for (const c of s.categories) {
    cb.append(el('tr', {}, el('td', {}, c.category), el('td', {}, `${c.waiting} 人`), el('td', {}, `${c.service_minutes} 分钟${c.learned_from ? `(今日 ${c.learned_from} 次平均)` : '(配置值)'}`), el('td', {}, String(c.open_windows)), el('td', {}, `约 ${Math.round(c.eta_minutes)} 分钟`)));
  }
  cats.append(cb);
  const t = s.totals;
  out.push(el('section', { class: 'card', 'aria-labelledby': 'cat-title' }, el('h2', { id: 'cat-title' }, `今日(${s.day}):取号 ${t.taken},办结 ${t.done},过号 ${t.missed}`), cats));

  const labels = s.labels ?? [];
  if (!labels.includes(markLabel)) markLabel = labels[0] ?? '';
  const list = el('table', { id: 'waiting' }, el('thead', {}, el('tr', {}, ...['号码', '类别', '优先', '预计等候', '标记优先'].map((h) => el('th', { scope: 'col' }, h)))));
  const lb = el('tbody');
  for (const w of s.waiting) {
    const mark = w.priority === 'elderly' || w.priority === 'appointment' || w.marked || !markLabel ? '' : button(`标记${markLabel}`, () => void act('mark', { number: w.number, label: markLabel }), { class: 'secondary', 'data-mark': w.number });
    lb.append(
      el('tr', w.duplicate_of ? { class: 'duplicate', 'data-duplicate': w.duplicate_of.number } : {}, el('td', {}, w.number, w.duplicate_of ? el('span', { class: 'flag' }, ` ${duplicateText(w.duplicate_of)}`) : ''), el('td', {}, w.transferred_from ? `${w.category}(由 ${w.transferred_from} 流转)` : w.category), el('td', {}, priorityText(w)), el('td', {}, `约 ${Math.round(w.eta_minutes)} 分钟`), el('td', {}, mark)),
    );
  }
  list.append(lb);
  // 标记优先: the clerk picks the priority once, then marks a waiting number with it.
  const pick = el('select', { id: 'mark-label' });
  for (const l of labels) pick.append(el('option', { value: l }, l));
  pick.value = markLabel;
  pick.addEventListener('change', () => {
    markLabel = pick.value;
    render();
  });
  const marking = labels.length ? el('p', { class: 'transfer' }, el('label', { for: 'mark-label' }, '标记的优先类别', pick)) : '';
  out.push(el('section', { class: 'card wide', 'aria-labelledby': 'wait-title' }, el('h2', { id: 'wait-title' }, `等候中(${t.waiting} 人,按叫号顺序)`), marking, list));

  // 过号 then 召回: a missed ticket waits again, placed by its appointment's rule (docs/hospital.md).
  const missed = s.missed ?? [];
  if (missed.length) {
    const ml = el('ul', { id: 'missed' });
    for (const m of missed) ml.append(el('li', {}, `${m.number}(${m.category}${m.appointment ? ',预约' : ''}) `, button('召回', () => void act('requeue', { number: m.number }), { class: 'secondary', 'data-requeue': m.number }, busy)));
    out.push(el('section', { class: 'card wide', 'aria-labelledby': 'missed-title' }, el('h2', { id: 'missed-title' }, `已过号(${missed.length})`), ml));
  }
  return out;
}

/** Why a ticket is flagged: the person already had another number the hall's rules allow only once (issued by a machine that could not ask the hall). */
function duplicateText(d: { number: string; rule: string }): string {
  return d.rule === 'one_per_day' ? `重复签到(已有 ${d.number})` : `重复取号(已有 ${d.number})`;
}

/** What the waiting list says of a ticket's place: its priority, or how it was placed (late, called back). */
function priorityText(w: State['waiting'][number]): string {
  if (w.priority === 'elderly') return '长者优先';
  if (w.priority === 'appointment') return '预约优先';
  if (w.marked) return `${w.marked}优先`;
  const p = w.placement ?? '';
  const rule = p.endsWith(':end') ? '排在最后' : p.includes(':insert_after:') ? `插入第 ${p.split(':')[2]} 位后` : '正常排队';
  if (p.startsWith('late:')) return `迟到 · ${rule}`;
  if (p.startsWith('requeued:')) return `召回 · ${rule}`;
  return '';
}

function render(): void {
  const main = document.getElementById('main')!;
  if (!token || !state) {
    main.replaceChildren(signinView());
    return;
  }
  // A redraw keeps where the clerk was typing (or which button had the keyboard).
  const focused = document.activeElement;
  const input = focused instanceof HTMLInputElement ? focused : null;
  const selection = input && input.type !== 'number' ? ([input.selectionStart, input.selectionEnd] as const) : null;
  main.replaceChildren(...windowView(state));
  const again = focused?.id ? document.getElementById(focused.id) : null;
  if (again && again !== focused) {
    again.focus();
    if (selection && again instanceof HTMLInputElement) again.setSelectionRange(selection[0], selection[1]);
  }
}

if (token) void signIn();
else render();
