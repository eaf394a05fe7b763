// The kiosk's state and the one render function. Messages from the daemon and taps on screen
// both end in `render()`, which rebuilds the two regions (top bar, screen) from state.
import type { AttendanceSummary, EventMessage, Health, LoanRenewal, LoanSessionMessage, StaffOverview, StaysOverview, StayView, VerdictMessage } from '../../../terminal/src/api/messages.ts';
import type { Answer } from './api.ts';
import { api } from './api.ts';
import { connectEvents, type LinkState } from './events-client.ts';
import { isLang, reasonKeys, t, type Lang, type MessageKey } from './i18n.ts';
import { attendance } from './screens/attendance.ts';
import { certificate } from './screens/certificate.ts';
import { checkGuestDetails, guestDetails, type GuestDetailsState } from './screens/guest-details.ts';
import { idle } from './screens/idle.ts';
import { loanLine, loans } from './screens/loans.ts';
import { DELETE_KEY } from './screens/keypad.ts';
import { outOfService } from './screens/out-of-service.ts';
import { pin } from './screens/pin.ts';
import { registration, type RegistrationState } from './screens/registration.ts';
import { refusalWords, result, type Note } from './screens/result.ts';
import { staff } from './screens/staff.ts';
import { DETAIL_FIELDS, stays, type DetailsForm } from './screens/stays.ts';
import { ticket } from './screens/ticket.ts';
import { topbar } from './screens/topbar.ts';
import { Sound } from './sound.ts';
import type { Action, Ctx } from './view.ts';

type Screen =
  | { kind: 'idle' }
  | { kind: 'result'; v: VerdictMessage; note?: Note }
  | { kind: 'loans'; last: VerdictMessage; renewal?: LoanRenewal }
  | { kind: 'ticket'; v: VerdictMessage }
  | { kind: 'certificate'; v: VerdictMessage }
  | ({ kind: 'registration'; v: VerdictMessage } & RegistrationState)
  | ({ kind: 'guest-details'; v: VerdictMessage } & GuestDetailsState)
  | { kind: 'pin'; pin: string; error?: Note }
  | { kind: 'staff'; overview: StaffOverview; notice?: Note; stays?: StaysOverview | null; form?: DetailsForm | null; attendance?: AttendanceSummary | null };

export interface AppOptions {
  root: HTMLElement;
  /** `ws://host/api/events`. */
  eventsUrl: string;
  /** Where dist/ is served, ending in `/`. */
  base: string;
  lang: Lang;
  /** How long a verdict stays on screen, ms; null: the venue's `clear_after_s` (default 15 s). */
  resultMs: number | null;
  storage: Storage | null;
  /** Record paint times of verdicts in `window.yssPaints` (benchmarks). */
  bench: boolean;
}

const INPUT_ROLES = new Set(['scanner', 'idcard', 'mrz']);
const STAFF_IDLE_MS = 120_000;
const REGISTRATION_IDLE_MS = 60_000;
/** How long the departments stay offered after `department_needed` (the daemon holds a pick as long: CHOICE_MS). */
const DEPARTMENT_MS = 60_000;
/** A guest copying a visa by hand is slow: the details screen waits 5 min after each try. */
const GUEST_DETAILS_IDLE_MS = 300_000;
const PIN_MAX = 8;

declare global {
  interface Window {
    yssPaints?: { seq: number; at: number }[];
  }
}

/** True when no device that can read a code or card is connected: the kiosk cannot serve anyone. */
export function inputsDown(health: Health | null): boolean {
  if (!health) return false;
  const inputs = health.devices.filter((d) => INPUT_ROLES.has(d.role));
  return inputs.length > 0 && !inputs.some((d) => d.state === 'connected');
}

export class App {
  private lang: Lang;
  private elderly: boolean;
  private link: LinkState = 'connecting';
  private health: Health | null = null;
  private screen: Screen = { kind: 'idle' };
  /** The library loan session open on the daemon (venue `loans`), or null. */
  private loanSession: LoanSessionMessage | null = null;
  private token: string | null = null;
  /** The category the visitor tapped, held by the daemon for the next reading until `until`. */
  private picked: { prefix: string; until: number } | null = null;
  /** A hospital's kiosk asks for a department after a reading found no registration (`department_needed`), until then (ms). */
  private askDepartment = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private poll: ReturnType<typeof setInterval> | null = null;
  private readonly header: HTMLElement;
  private readonly main: HTMLElement;
  private readonly sound: Sound;

  constructor(private readonly o: AppOptions) {
    const saved = o.storage?.getItem('yss.lang');
    this.lang = isLang(saved) ? saved : o.lang;
    this.elderly = o.storage?.getItem('yss.elderly') === '1';
    this.sound = new Sound(o.base);
    this.header = document.createElement('header');
    this.header.className = 'topbar';
    this.main = document.createElement('main');
    this.main.id = 'screen';
    this.main.setAttribute('aria-live', 'polite');
    o.root.replaceChildren(this.header, this.main);
    if (o.bench) window.yssPaints = [];
    this.render();
    connectEvents({ url: o.eventsUrl, onMessage: (m) => this.onMessage(m), onState: (s) => this.onLink(s) });
  }

  private ctx(): Ctx {
    const lang = this.lang;
    return {
      lang,
      elderly: this.elderly,
      t: (key, vars) => t(lang, key, vars),
      dispatch: (a) => this.dispatch(a),
      now: () => Date.now(),
    };
  }

  private onLink(s: LinkState): void {
    if (s === this.link) return;
    this.link = s;
    this.render();
  }

  private onMessage(m: EventMessage): void {
    if (m.type === 'health') this.health = m.health;
    else if (m.type === 'device' && this.health) {
      const devices = this.health.devices.filter((d) => d.id !== m.device.id);
      devices.push(m.device);
      this.health = { ...this.health, devices };
    } else if (m.type === 'verdict') return this.onVerdict(m);
    else if (m.type === 'loan-session') return this.onLoanSession(m);
    this.renderHealth();
  }

  /**
   * A health or device message. Of the screens, only the idle screen (out of service, the category
   * buttons) and the staff panel read health; the others are left as they are, and the idle screen
   * and the top bar are rebuilt only if they now show something else. Rebuilding a region replaces
   * the button under a finger: a tap whose press and release land on different elements is lost
   * (the daemon pushes health whenever it changes), and a screen reader reads the screen again.
   */
  private renderHealth(): void {
    const kind = this.screen.kind;
    const ctx = this.ctx();
    if (kind === 'staff') return this.render();
    const view = kind === 'idle' ? this.view(ctx) : null;
    if (view && markup([view]) !== this.main.innerHTML) return this.render(view);
    this.renderTopbar(ctx);
  }

  /** The top bar, rebuilt only if it shows something else (see renderHealth). */
  private renderTopbar(ctx: Ctx): void {
    const bar = topbar(ctx, this.topbarState());
    if (markup(bar) !== this.header.innerHTML) this.header.replaceChildren(...bar);
  }

  private topbarState() {
    return { reconnecting: this.link !== 'open', offline: this.link === 'open' && this.health?.sync.state === 'offline' };
  }

  /** How long a result stays: the page's `result_ms`, else the venue's `clear_after_s`. */
  private resultMs(): number {
    return this.o.resultMs ?? (this.health?.venue?.clear_after_s ?? 15) * 1000;
  }

  /** A loan session opened (the reader's verdict is on screen), lent an item, or closed. */
  private onLoanSession(m: LoanSessionMessage): void {
    this.loanSession = m.open ? m : null;
    const sc = this.screen;
    if (m.open && (sc.kind === 'result' || sc.kind === 'loans')) {
      this.screen = { kind: 'loans', last: sc.kind === 'result' ? sc.v : sc.last };
      // The session holds the screen until the daemon closes it; this is only the fallback.
      if (m.closes_at !== null) this.homeAfter(Math.max(0, m.closes_at - Date.now()) + 5000);
    } else if (!m.open && sc.kind === 'loans') {
      this.screen = { kind: 'idle' };
    }
    this.render();
  }

  private onVerdict(v: VerdictMessage): void {
    // The daemon used the pick for this reading, whatever its verdict.
    this.picked = null;
    // A scan never interrupts staff at work or a guest typing their room number.
    if (this.screen.kind === 'pin' || this.screen.kind === 'staff' || this.screen.kind === 'registration' || this.screen.kind === 'guest-details') return;
    if (this.loanSession) {
      this.screen = { kind: 'loans', last: v };
      this.render();
      this.sound.tone(v.accepted ? 'accept' : 'refuse');
      if (this.elderly) this.speakVerdict(v);
      this.main.dataset.tone = this.sound.last.tone;
      return;
    }
    const loan = v.effects.find((e) => e.kind === 'loan');
    const att = v.effects.find((e) => e.kind === 'attendance');
    const tk = v.effects.find((e) => e.kind === 'ticket');
    const reg = v.effects.find((e) => e.kind === 'registration');
    // Personal data leaves the screen after resultMs (or at the next reading); elderly mode
    // keeps only screens without it longer.
    const personal = Object.keys(v.display).some((k) => k === 'name_masked' || k === 'holder_masked' || k === 'credential_no_masked');
    const resultMs = this.resultMs();
    let hold = resultMs * (this.elderly && !personal ? 1.5 : 1);
    this.askDepartment = 0;
    if (!v.accepted && v.reason === 'department_needed') {
      // No registration: the departments to pick from, on the idle screen the next reading starts from.
      this.askDepartment = Date.now() + DEPARTMENT_MS;
      this.screen = { kind: 'idle' };
      hold = DEPARTMENT_MS;
    } else if (!v.accepted) this.screen = { kind: 'result', v };
    else if (att) this.screen = { kind: 'result', v, note: { key: att.status === 'already' ? 'attendance.already' : att.late ? 'attendance.late' : 'attendance.signed', vars: { time: att.at } } };
    else if (loan) this.screen = { kind: 'result', v, note: { key: loan.ils === 'queued' ? 'loans.offline' : 'loans.return.done' } };
    else if (tk) this.screen = { kind: 'ticket', v };
    else if (reg && reg.room === undefined) {
      this.screen = { kind: 'registration', v, field: 'room', room: '', guests: '', inHouse: reg.in_house };
      hold = REGISTRATION_IDLE_MS;
    } else if (reg) this.screen = { kind: 'result', v, note: { key: 'registration.done', vars: { room: reg.room ?? '', guests: reg.guests ?? 1 } } };
    else if (v.code_type === 'credential' || v.code_type === 'hcert' || v.source === 'HC1') this.screen = { kind: 'certificate', v };
    else this.screen = { kind: 'result', v };
    this.render();
    if (this.o.bench) requestAnimationFrame(() => window.yssPaints?.push({ seq: v.seq, at: performance.timeOrigin + performance.now() }));
    this.sound.tone(v.accepted ? 'accept' : 'refuse');
    if (this.elderly) this.speakVerdict(v);
    this.main.dataset.tone = this.sound.last.tone;
    this.main.dataset.prompt = this.sound.last.prompt;
    this.main.dataset.voice = this.sound.last.voice;
    this.homeAfter(hold);
  }

  private speakVerdict(v: VerdictMessage): void {
    const ctx = this.ctx();
    const tk = v.effects.find((e) => e.kind === 'ticket');
    if (!v.accepted) {
      const k = reasonKeys(v.reason);
      const words = refusalWords(ctx, v);
      this.sound.speak(this.lang, ctx.t('speak.refused', { reason: words?.reason ?? ctx.t(k.reason), next: words?.next ?? ctx.t(k.next) }), 'speak.refused.short');
    } else if (tk) this.sound.speak(this.lang, ctx.t('speak.ticket', { number: tk.number }), 'speak.ticket.short');
    else this.sound.speak(this.lang, ctx.t('speak.accepted'), 'speak.accepted');
  }

  private homeAfter(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.dispatch({ type: 'home' }), ms);
  }

  private dispatch(a: Action): void {
    const sc = this.screen;
    switch (a.type) {
      case 'lang':
        this.lang = a.lang;
        this.o.storage?.setItem('yss.lang', a.lang);
        break;
      case 'elderly':
        this.elderly = !this.elderly;
        this.o.storage?.setItem('yss.elderly', this.elderly ? '1' : '0');
        if (this.elderly) this.sound.speak(this.lang, t(this.lang, 'speak.idle'), 'speak.idle');
        break;
      case 'home':
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
        if (sc.kind === 'staff' && this.token) void api.logout(this.token);
        this.token = null;
        this.askDepartment = 0;
        if (this.poll) clearInterval(this.poll);
        this.poll = null;
        this.screen = { kind: 'idle' };
        break;
      case 'staff-open':
        if (sc.kind !== 'staff') this.screen = { kind: 'pin', pin: '' };
        this.homeAfter(STAFF_IDLE_MS);
        break;
      case 'key':
        if (sc.kind === 'pin') {
          sc.pin = a.key === DELETE_KEY ? sc.pin.slice(0, -1) : (sc.pin + a.key).slice(0, PIN_MAX);
          sc.error = undefined;
          this.homeAfter(STAFF_IDLE_MS);
        } else if (sc.kind === 'registration') {
          const max = sc.field === 'room' ? 6 : 1;
          const cur = sc[sc.field];
          sc[sc.field] = a.key === DELETE_KEY ? cur.slice(0, -1) : (cur + a.key).slice(0, max);
          if (sc.field === 'room' && sc.room.length === 0) sc.error = undefined;
          this.homeAfter(REGISTRATION_IDLE_MS);
        }
        break;
      case 'field':
        if (sc.kind === 'registration') sc.field = a.field;
        break;
      case 'submit':
        if (sc.kind === 'pin') void this.login(sc.pin);
        else if (sc.kind === 'registration') void this.register(sc);
        return;
      case 'test-ticket':
        if (sc.kind === 'staff') void this.testTicket();
        return;
      case 'category':
        if (sc.kind === 'idle') void this.pickCategory(a.prefix);
        return;
      case 'ticket-override':
        if (sc.kind === 'staff' && this.token) void this.ticketOverride(this.token);
        return;
      case 'guest-details-save':
        if (sc.kind === 'guest-details') void this.saveGuestDetails(sc);
        return;
      case 'checkout-scan':
        if (sc.kind === 'registration') void this.checkoutScan(sc);
        return;
      case 'loans-finish':
        // The daemon's loan-session message (closed) takes the screen home.
        void api.finishLoans();
        return;
      case 'loans-renew':
        void api.renewLoans().then((r) => {
          const now = this.screen;
          if (now.kind !== 'loans') return;
          // A refusal of the request itself (the session closed meanwhile) is said like the ILS being away.
          this.screen = { ...now, renewal: r.ok ? r.value : { ils: 'away', renewed: [], refused: [] } };
          this.render();
        });
        return;
      case 'stay-details':
        if (sc.kind === 'staff') sc.form = { mode: 'details', guest: a.guest, name: a.name, fields: [...DETAIL_FIELDS], values: { visa_type: '', visa_no: '', entry_date: '', entry_port: '' } };
        this.homeAfter(STAFF_IDLE_MS);
        break;
      case 'stay-correct':
        if (sc.kind === 'staff') {
          const fields = a.foreign ? (['doc_no', ...DETAIL_FIELDS] as const) : (['doc_no'] as const);
          sc.form = { mode: 'correct', guest: a.guest, name: a.name, fields: [...fields], values: Object.fromEntries(fields.map((f) => [f, ''])) };
        }
        this.homeAfter(STAFF_IDLE_MS);
        break;
      case 'stay-details-cancel':
        if (sc.kind === 'staff') sc.form = null;
        break;
      case 'stay-details-save':
        if (sc.kind === 'staff' && sc.form && this.token) {
          const { guest, values, mode } = sc.form;
          // A correction sends only what the clerk typed; the rest of the record stays as read.
          if (mode === 'correct') void this.staffAction(api.correct(this.token, guest, Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''))), true);
          else void this.staffAction(api.details(this.token, guest, values as never), true);
        }
        return;
      case 'stay-count':
        if (sc.kind === 'staff' && this.token) void this.staffAction(api.confirmCount(this.token, a.stay, { reason: a.reason as never }));
        return;
      case 'stay-checkout-guest':
        if (sc.kind === 'staff' && this.token) void this.staffAction(api.checkoutGuest(this.token, a.guest));
        return;
      case 'stay-checkout-room':
        if (sc.kind === 'staff' && this.token) void this.staffAction(api.checkoutRoom(this.token, a.stay));
        return;
    }
    this.render();
  }

  private async login(digits: string): Promise<void> {
    const r = await api.login(digits);
    if (this.screen.kind !== 'pin') return;
    if (!r.ok) {
      const error: Note =
        r.error?.error === 'YSS_API_PIN_LOCKED'
          ? { key: 'pin.locked', vars: { n: r.error.retry_after_s ?? 60 } }
          : r.error?.error === 'YSS_API_STAFF_DISABLED'
            ? { key: 'pin.disabled' }
            : { key: r.status === 401 ? 'pin.wrong' : 'pin.error' };
      this.screen = { kind: 'pin', pin: '', error };
      return this.render();
    }
    this.token = r.value.token;
    await this.refreshStaff();
    this.poll = setInterval(() => void this.refreshStaff(), 5000);
  }

  private async refreshStaff(notice?: Note): Promise<void> {
    if (!this.token) return;
    const [r, st, at] = await Promise.all([api.overview(this.token), api.stays(this.token), api.attendance(this.token)]);
    const sc = this.screen;
    if (sc.kind !== 'staff' && sc.kind !== 'pin') return;
    if (!r.ok) return this.dispatch({ type: 'home' });
    // A venue without stays answers 404 (YSS_API_NO_STAYS): the panel has no stays section.
    const staysNow = st.ok ? st.value : null;
    const form = sc.kind === 'staff' ? sc.form : null;
    // Likewise a venue without attendance (YSS_API_NO_ATTENDANCE): no meetings section.
    this.screen = { kind: 'staff', overview: r.value, notice: notice ?? (sc.kind === 'staff' ? sc.notice : undefined), stays: staysNow, form, attendance: at.ok ? at.value : null };
    // The clerk typing a guest's details is not interrupted by the poll; the next render shows the rest.
    if (form && !notice) return;
    this.render();
  }

  /** Runs a desk action on a stay, then shows the panel again with what the daemon answered. */
  private async staffAction(call: Promise<Answer<StayView>>, closesForm = false): Promise<void> {
    this.homeAfter(STAFF_IDLE_MS);
    const r = await call;
    const sc = this.screen;
    if (sc.kind !== 'staff') return;
    if (r.ok && closesForm) sc.form = null;
    await this.refreshStaff(r.ok ? { key: 'staff.saved' } : { key: 'stays.failed', vars: { detail: r.error?.message ?? String(r.status) } });
  }

  private async checkoutScan(sc: Extract<Screen, { kind: 'registration' }>): Promise<void> {
    const r = await api.checkoutScan(sc.v.seq);
    if (this.screen !== sc) return;
    this.screen = { kind: 'result', v: sc.v, note: { key: r.ok ? 'registration.checkedOut' : 'registration.failed', vars: { room: sc.inHouse?.room ?? '' } } };
    this.render();
    this.homeAfter(this.resultMs());
  }

  private async pickCategory(prefix: string): Promise<void> {
    const r = await api.pickCategory(prefix);
    if (this.screen.kind !== 'idle') return;
    // A category that closed meanwhile answers 409: the next health shows it greyed.
    this.picked = r.ok ? { prefix: r.value.prefix, until: r.value.until } : null;
    // A department picked stays on screen as long as the daemon holds it.
    if (this.picked && this.askDepartment) {
      this.askDepartment = this.picked.until;
      this.homeAfter(Math.max(0, this.picked.until - Date.now()));
    }
    this.render();
    if (this.picked) {
      const until = this.picked.until;
      setTimeout(() => {
        if (this.picked?.until === until) {
          this.picked = null;
          this.render();
        }
      }, Math.max(0, until - Date.now()));
    }
  }

  private async ticketOverride(token: string): Promise<void> {
    this.homeAfter(STAFF_IDLE_MS);
    const r = await api.ticketOverride(token);
    await this.refreshStaff(r.ok ? { key: 'staff.override_done' } : { key: 'staff.override_failed', vars: { detail: r.error?.message ?? String(r.status) } });
  }

  private async testTicket(): Promise<void> {
    if (!this.token) return;
    this.homeAfter(STAFF_IDLE_MS);
    const r = await api.testTicket(this.token);
    const ok = r.ok && r.value.ok;
    const detail = r.ok ? r.value.detail : (r.error?.message ?? String(r.status));
    await this.refreshStaff(ok ? { key: 'staff.testTicket.ok' } : { key: 'staff.testTicket.failed', vars: { detail } });
  }

  private async register(sc: Extract<Screen, { kind: 'registration' }>): Promise<void> {
    const guests = Number(sc.guests);
    if (!/^[0-9]{1,6}$/.test(sc.room) || !(guests >= 1 && guests <= 9)) {
      sc.error = 'registration.invalid';
      return this.render();
    }
    const r = await api.register({ seq: sc.v.seq, room: sc.room, guests });
    if (this.screen !== sc) return;
    // A self-service kiosk's foreign guest enters their visa and entry here (venue stay.self_details).
    if (r.ok && r.value.ok && r.value.details_here?.length) {
      const fields = r.value.details_here;
      this.screen = { kind: 'guest-details', v: sc.v, seq: sc.v.seq, room: sc.room, fields, values: { visa_type: '', visa_no: '', entry_date: '', entry_port: '' }, errors: {} };
      this.render();
      return this.homeAfter(GUEST_DETAILS_IDLE_MS);
    }
    const key: MessageKey = r.ok && r.value.ok ? 'registration.done' : 'registration.failed';
    this.screen = { kind: 'result', v: sc.v, note: { key, vars: { room: sc.room, guests } } };
    this.render();
    this.homeAfter(this.resultMs());
  }

  private async saveGuestDetails(sc: Extract<Screen, { kind: 'guest-details' }>): Promise<void> {
    this.homeAfter(GUEST_DETAILS_IDLE_MS);
    const d = new Date(Date.now());
    const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const { values, errors } = checkGuestDetails(sc.fields, sc.values, today);
    sc.errors = errors;
    sc.failed = undefined;
    if (Object.keys(errors).length) {
      this.render();
      // The first field in error takes the focus, so a screen reader reads its message.
      return this.main.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    }
    const r = await api.selfDetails({ seq: sc.seq, ...Object.fromEntries(sc.fields.map((f) => [f, values[f]])) });
    if (this.screen !== sc) return;
    if (!r.ok) {
      sc.failed = r.error?.message ?? String(r.status);
      return this.render();
    }
    this.screen = { kind: 'result', v: sc.v, note: { key: 'guestDetails.saved', vars: { room: sc.room } } };
    this.render();
    this.homeAfter(this.resultMs());
  }

  private view(ctx: Ctx): HTMLElement {
    const sc = this.screen;
    switch (sc.kind) {
      case 'idle':
        return inputsDown(this.health) ? outOfService(ctx) : idle(ctx, this.categories(), this.picked?.prefix ?? null);
      case 'result': {
        const loan = sc.v.effects.find((e) => e.kind === 'loan');
        return loan && sc.v.accepted ? result(ctx, sc.v, sc.note, loanLine(ctx, loan)) : result(ctx, sc.v, sc.note);
      }
      case 'loans':
        return this.loanSession ? loans(ctx, this.loanSession, sc.last, sc.renewal) : result(ctx, sc.last);
      case 'ticket': {
        const tk = sc.v.effects.find((e) => e.kind === 'ticket');
        return tk ? ticket(ctx, sc.v, tk) : result(ctx, sc.v);
      }
      case 'certificate':
        return certificate(ctx, sc.v);
      case 'registration':
        return registration(ctx, sc);
      case 'guest-details':
        return guestDetails(ctx, sc);
      case 'pin':
        return pin(ctx, sc.pin.length, sc.error);
      case 'staff':
        return staff(ctx, sc.overview, sc.notice, this.health?.venue?.tickets?.one_active === true, sc.stays ? stays(ctx, sc.stays, sc.form ?? null) : sc.attendance ? attendance(ctx, sc.attendance) : null);
    }
  }

  /** The category buttons: a ticket machine with more than one category. */
  private categories() {
    const t = this.health?.venue?.tickets;
    if (t?.departments) return this.askDepartment > Date.now() ? t : null;
    return t && t.categories.length > 1 ? t : null;
  }

  /** Both regions from state; `built`: the screen's view, when the caller has just built it. */
  private render(built?: HTMLElement): void {
    const ctx = this.ctx();
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.focus;
    const root = document.documentElement;
    root.lang = this.lang;
    document.title = ctx.t('app.title');
    document.body.classList.toggle('elderly', this.elderly);
    this.renderTopbar(ctx);
    const view = built ?? this.view(ctx);
    this.main.replaceChildren(view);
    this.main.dataset.screen = view.dataset.screen;
    this.main.dataset.tone = this.sound.last.tone;
    this.main.dataset.prompt = this.sound.last.prompt;
    this.main.dataset.voice = this.sound.last.voice;
    // Keypad taps rebuild the screen; keep keyboard focus on the same key.
    if (focused) this.main.querySelector<HTMLElement>(`[data-focus="${focused}"]`)?.focus();
  }
}

/** The markup of `nodes`, as the region holding them reads it back (`innerHTML`). */
function markup(nodes: Element[]): string {
  return nodes.map((n) => n.outerHTML).join('');
}
