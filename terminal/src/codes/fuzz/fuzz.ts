// A deterministic fuzzer for the decoder and verifier: random bytes, mutated real codes, deep
// CBOR nesting, huge declared lengths and zlib bombs. Invariants: nothing throws (printing the
// result included), every result carries a reason from the closed list (valid only with none),
// and no input takes long.
import { deflateSync } from 'node:zlib';
import { base45Encode } from '../base45.ts';
import { cborEncode } from '../cbor.ts';
import { VERIFY_REASONS } from '../reasons.ts';
import { verifyUnsafe } from '../verify.ts';
import { hcertCode, makeWorld, NOW, yssCode, type World } from '../test/helpers.ts';
import { worstCases } from '../bench/worst-case.ts';
import { seededRandom } from '../../../../scripts/lib/seeded-random.ts';

export interface FuzzReport {
  inputs: number;
  /** Slowest single input, milliseconds. */
  maxMs: number;
  slowest: string;
  reasons: Record<string, number>;
  /** Invariant violations, each with the generator and a short excerpt of the input. */
  failures: string[];
}

const REASONS = new Set<string>(VERIFY_REASONS);

type Gen = (r: () => number, w: World, seeds: string[]) => string;

const int = (r: () => number, n: number) => Math.floor(r() * n);
const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const prefix = (r: () => number) => (r() < 0.5 ? 'YSS1:' : 'HC1:');

function bytes(r: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = int(r, 256);
  return b;
}

const wrap = (r: () => number, raw: Uint8Array) => prefix(r) + base45Encode(r() < 0.5 ? deflateSync(raw) : raw);

function coseAround(payload: Uint8Array, r: () => number): Uint8Array {
  const prot = cborEncode(new Map<number, unknown>([[1, -8], [4, bytes(r, 8)]]));
  return cborEncode([prot, new Map(), payload, bytes(r, 64)]);
}

const GENERATORS: Record<string, Gen> = {
  randomBytes: (r) => wrap(r, bytes(r, int(r, 600))),
  randomText: (r) => {
    let s = prefix(r);
    const n = int(r, 400);
    for (let i = 0; i < n; i++) s += r() < 0.97 ? B45[int(r, B45.length)] : String.fromCharCode(int(r, 0x3000));
    return s;
  },
  mutatedCode: (r, _w, seeds) => {
    const chars = [...seeds[int(r, seeds.length)]!];
    const edits = 1 + int(r, 4);
    for (let e = 0; e < edits; e++) {
      const i = int(r, chars.length);
      const op = int(r, 4);
      if (op === 0) chars[i] = B45[int(r, B45.length)]!;
      else if (op === 1) chars.splice(i, 1);
      else if (op === 2) chars.splice(i, 0, B45[int(r, B45.length)]!);
      else chars.length = Math.max(0, i);
    }
    return chars.join('');
  },
  mutatedCose: (r, w) => {
    // Flip bytes of a real COSE object before compression, so structure errors reach the CBOR layer.
    const text = r() < 0.5 ? yssCode(w, { compressed: false }) : hcertCode(w, { compressed: false });
    const family = text.startsWith('YSS1:') ? 'YSS1:' : 'HC1:';
    const b45 = text.slice(family.length);
    const out = Buffer.from(b45 ? decodeLoose(b45) : []);
    const flips = 1 + int(r, 6);
    for (let i = 0; i < flips && out.length; i++) out[int(r, out.length)] = int(r, 256);
    return family + base45Encode(out);
  },
  deepNesting: (r) => {
    const depth = 1000 + int(r, 60_000);
    const open = r() < 0.5 ? [0x81] : [0xa1, 0x01];
    const raw = new Uint8Array(depth * open.length + 1);
    for (let i = 0; i < depth; i++) raw.set(open, i * open.length);
    return r() < 0.5 ? wrap(r, raw) : wrap(r, coseAround(raw, r));
  },
  hugeLengths: (r) => {
    const heads = [
      [0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
      [0x5a, 0xff, 0xff, 0xff, 0xff],
      [0x9b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00],
      [0xba, 0x7f, 0xff, 0xff, 0xff],
      [0x7a, 0x10, 0x00, 0x00, 0x00],
      [0x84, 0x5a, 0x00, 0x01, 0x00, 0x00],
    ];
    const head = heads[int(r, heads.length)]!;
    return wrap(r, Uint8Array.from([...head, ...bytes(r, int(r, 32))]));
  },
  zlibBomb: (r) => {
    const size = 65_536 + int(r, 8 * 1024 * 1024);
    return prefix(r) + base45Encode(deflateSync(Buffer.alloc(size, int(r, 256)), { level: 9 }));
  },
  tagsAndIndefinite: (r) => {
    const pieces = [[0xd8, 0x3d], [0xd2], [0xc1], [0xd9, 0xd9, 0xf7], [0x9f], [0xbf], [0x5f], [0xff], [0xf7], [0xf9, 0x7e, 0x00]];
    const out: number[] = [];
    const n = 1 + int(r, 40);
    for (let i = 0; i < n; i++) out.push(...pieces[int(r, pieces.length)]!);
    return wrap(r, Uint8Array.from(out));
  },
  hugeText: (r) => prefix(r) + '0'.repeat(int(r, 200_000)),
  worstCase: (r, w) => {
    const cases = Object.values(worstCases(w.gd.kid, NOW));
    return cases[int(r, cases.length)]!;
  },
};

function decodeLoose(b45: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i + 2 < b45.length; i += 3) {
    const n = B45.indexOf(b45[i]!) + B45.indexOf(b45[i + 1]!) * 45 + B45.indexOf(b45[i + 2]!) * 2025;
    out.push((n >> 8) & 0xff, n & 0xff);
  }
  return Uint8Array.from(out);
}

/** Runs generators round-robin until `ms` have passed (and at least `minInputs` ran). */
export function fuzz(opts: { ms: number; seed?: number; minInputs?: number }): FuzzReport {
  const r = seededRandom(opts.seed ?? 1);
  const w = makeWorld();
  const seeds = [yssCode(w), yssCode(w, { tags: [61, 18] }), hcertCode(w), hcertCode(w, { key: w.hcRsa }), hcertCode(w, { kidWhere: 'unprotected' })];
  const report: FuzzReport = { inputs: 0, maxMs: 0, slowest: '', reasons: {}, failures: [] };
  const names = Object.keys(GENERATORS);
  const deadline = performance.now() + opts.ms;
  while (performance.now() < deadline || report.inputs < (opts.minInputs ?? 0)) {
    const name = names[report.inputs % names.length]!;
    const text = GENERATORS[name]!(r, w, seeds);
    const t0 = performance.now();
    try {
      const res = verifyUnsafe(text, w.index, { now: NOW });
      // The printed form too: claims are built when read, and a crash there is a crash of `verify`.
      JSON.stringify(res);
      if (res.reason === null ? !res.valid : !REASONS.has(res.reason) || res.valid) {
        report.failures.push(`${name}: inconsistent result ${JSON.stringify([res.valid, res.reason])} for ${text.slice(0, 60)}`);
      }
      report.reasons[res.reason ?? 'valid'] = (report.reasons[res.reason ?? 'valid'] ?? 0) + 1;
    } catch (e) {
      report.failures.push(`${name}: threw ${(e as Error).message} for ${text.slice(0, 60)}`);
    }
    const ms = performance.now() - t0;
    if (ms > report.maxMs) {
      report.maxMs = ms;
      report.slowest = name;
    }
    report.inputs++;
  }
  return report;
}
