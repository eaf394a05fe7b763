// The hall display (docs/hall.md, "The calling side"): served by the hall's sync service at
// /hall-display/?hall=<venue name>, it reads GET /hall/:hall/display once a second (numbers and
// windows only, no sign-in) and shows the newest call in large type, the recent calls and the
// waiting count with its estimated wait per category. A new call is spoken ("请 A012 号到 3 号窗口")
// through the browser's speechSynthesis where it has one, and always written to an aria-live line.
import type { HallDisplayReply } from '../../../src/schemas.ts';

// The service's own reply type, from the route schema it serializes with (a type only: nothing of
// the server reaches this bundle): a changed reply fails tsc here.
type Display = HallDisplayReply;
type Call = Display['calls'][number];

const POLL_MS = 1000;
const hall = new URLSearchParams(location.search).get('hall') ?? 'hall';
const $ = (id: string) => document.getElementById(id)!;
/** The newest call already announced; calls up to it are not spoken again (nor on first load). */
let announced: number | null = null;

export function spokenLine(c: Call): string {
  return `请 ${c.number} 号到 ${c.window} 号窗口`;
}

function speak(line: string): void {
  $('spoken').textContent = line;
  const synth = (globalThis as { speechSynthesis?: SpeechSynthesis }).speechSynthesis;
  if (!synth || typeof SpeechSynthesisUtterance === 'undefined') return;
  const u = new SpeechSynthesisUtterance(line);
  u.lang = 'zh-CN';
  u.rate = 0.9;
  synth.speak(u);
}

function cell(text: string, cls?: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function render(d: Display): void {
  const newest = d.calls[0];
  const now = $('now');
  now.replaceChildren();
  if (newest) {
    const n = document.createElement('span');
    n.className = 'number';
    n.textContent = newest.number;
    const w = document.createElement('span');
    w.className = 'window';
    w.textContent = `请到 ${newest.window} 号窗口`;
    now.append(n, w);
  } else {
    const n = document.createElement('span');
    n.className = 'number';
    n.textContent = '—';
    now.append(n);
  }
  // Each number once, at the window that called it last (a recall is spoken again, not listed twice).
  const seen = new Set(newest ? [newest.number] : []);
  const recent = d.calls.slice(1).filter((c) => !seen.has(c.number) && (seen.add(c.number), true));
  $('recent').replaceChildren(
    ...recent.map((c) => {
      const tr = document.createElement('tr');
      tr.append(cell(c.number, 'number'), cell(`${c.window} 号窗口`));
      return tr;
    }),
  );
  $('waiting').replaceChildren(
    ...d.categories.map((c) => {
      const li = document.createElement('li');
      li.textContent = `${c.category} 类 等候 ${c.waiting} 人 · 约 ${Math.round(c.eta_minutes)} 分钟`;
      return li;
    }),
  );
  // Speak each call newer than the last announced, oldest first (a recall is called again, so spoken again).
  const fresh = announced === null ? [] : d.calls.filter((c) => c.seq > announced!).reverse();
  for (const c of fresh) speak(spokenLine(c));
  announced = Math.max(announced ?? 0, newest?.seq ?? 0);
}

async function poll(): Promise<void> {
  try {
    const res = await fetch(`/hall/${encodeURIComponent(hall)}/display`);
    if (!res.ok) throw new Error(String(res.status));
    render((await res.json()) as Display);
    $('status').textContent = '';
    document.body.dataset.seq = String(announced ?? 0);
  } catch {
    // The wall keeps what it showed; a line says the numbers may be behind.
    $('status').textContent = '叫号服务暂时无法连接,显示可能不是最新。';
  }
  setTimeout(() => void poll(), POLL_MS);
}

void poll();
