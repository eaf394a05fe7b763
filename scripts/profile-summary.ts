// Where a V8 CPU profile's time went, as text: self time per function and per package or source
// folder, and inclusive time of the functions a filter names. For profiles written by
// `npm run bench -- --cpu-prof` (or `node --cpu-prof`), where DevTools is not at hand.
//   npx tsx scripts/profile-summary.ts <file.cpuprofile> [--top N] [--from ms] [--to ms] [--incl substring]…
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, from: { type: 'string' }, to: { type: 'string' }, incl: { type: 'string', multiple: true, default: [] } },
});
const file = positionals[0];
if (!file) {
  console.error('usage: profile-summary <file.cpuprofile> [--top N] [--from ms] [--to ms] [--incl substring]…');
  process.exit(2);
}
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const top = Number(values.top);
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** A frame's place: the npm package, a folder of this repository, or node's own. */
function place(f: CallFrame): string {
  if (!f.url) return f.functionName.startsWith('(') ? f.functionName : '(native)';
  const nm = f.url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = f.url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (f.url.startsWith('node:')) return f.url;
  const m = /\/(terminal|sync-service|scripts|kiosk-ui)\/(src\/)?([^/]+)/.exec(f.url);
  return m ? `${m[1]}/${m[3]}` : f.url;
}
const label = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|terminal|sync-service|scripts)\//, '$1/')}:${f.lineNumber + 1}`;

const self = new Map<string, number>();
const places = new Map<string, number>();
const incl = new Map<string, number>();
const inclAll = new Map<string, number>();
let t = p.startTime;
const from = values.from === undefined ? -Infinity : p.startTime + Number(values.from) * 1000;
const to = values.to === undefined ? Infinity : p.startTime + Number(values.to) * 1000;
let total = 0;
for (let i = 0; i < p.samples.length; i++) {
  t += p.timeDeltas[i] ?? 0;
  const dt = (p.timeDeltas[i + 1] ?? 0) / 1000; // a sample's time runs until the next one, ms
  if (t < from || t > to) continue;
  const node = byId.get(p.samples[i]!)!;
  total += dt;
  self.set(label(node.callFrame), (self.get(label(node.callFrame)) ?? 0) + dt);
  places.set(place(node.callFrame), (places.get(place(node.callFrame)) ?? 0) + dt);
  const seen = new Set<string>();
  const seenAll = new Set<string>();
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const f = byId.get(id)!.callFrame;
    const l = label(f);
    if (!seenAll.has(l)) {
      seenAll.add(l);
      inclAll.set(l, (inclAll.get(l) ?? 0) + dt);
    }
    for (const s of values.incl) {
      if (!seen.has(s) && label(f).includes(s)) {
        seen.add(s);
        incl.set(s, (incl.get(s) ?? 0) + dt);
      }
    }
  }
}
const show = (title: string, m: Map<string, number>, n: number) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${v.toFixed(1).padStart(9)} ms ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
};
console.log(`${file}: ${total.toFixed(0)} ms sampled`);
show('self time by place', places, top);
show('self time by function', self, top);
show('inclusive time by function', inclAll, top);
if (values.incl.length) show('inclusive time of the functions asked for', incl, values.incl.length);
