// Full verification per family/alg beside the bare node:crypto signature check of the same
// bytes, measured code by code in the same run so machine load hits both alike.
import { constants, verify, type KeyObject } from 'node:crypto';
import { decodeCode, sigStructure, verifyCode, type DecodedCode } from '../index.ts';
import { hcertCode, makeWorld, NOW, yssCode, type World } from '../test/helpers.ts';
import { worstCases } from './worst-case.ts';

const CODES = 200;
const SAMPLES = 6000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

type Floor = (d: DecodedCode, data: Uint8Array) => boolean;

interface Trial {
  name: string;
  codes: string[];
  key: KeyObject;
  floor: Floor;
}

function floorFor(alg: string): Floor {
  if (alg === 'EdDSA') return (d, data) => verify(null, data, keyOf, d.cose.signature);
  if (alg === 'ES256') return (d, data) => verify('sha256', data, { key: keyOf, dsaEncoding: 'ieee-p1363' }, d.cose.signature);
  return (d, data) => verify('sha256', data, { key: keyOf, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, d.cose.signature);
}
// Set per trial: the floor closes over the trial's key without a lookup in the timed loop.
let keyOf: KeyObject;

function measure(trial: Trial, w: World): { full: number; floor: number } {
  keyOf = trial.key;
  const floor = floorFor(trial.name === 'yss1' ? 'EdDSA' : trial.name === 'hc1_es256' ? 'ES256' : 'PS256');
  // The floor gets its inputs pre-decoded and pre-framed: only the signature check is timed.
  const pre = trial.codes.map((c) => {
    const d = decodeCode(c);
    if (!d.ok) throw new Error(`bench code does not decode: ${d.reason}`);
    return { d: d.code, data: sigStructure(d.code.cose.protectedBytes, d.code.cose.payload) };
  });
  for (const c of trial.codes) if (!verifyCode(c, w.index, { now: NOW }).valid) throw new Error(`${trial.name} code is not valid`);
  for (const p of pre) if (!floor(p.d, p.data)) throw new Error(`${trial.name} floor rejects`);
  // Each sample times one code, full then floor (or the reverse, alternating), back to back:
  // on a shared machine a preemption spoils a few samples, and the medians ignore them.
  const fulls: number[] = [];
  const floors: number[] = [];
  for (let r = 0; r < SAMPLES; r++) {
    const i = r % trial.codes.length;
    const c = trial.codes[i]!;
    const p = pre[i]!;
    if (r % 2 === 0) {
      const t0 = performance.now();
      verifyCode(c, w.index, { now: NOW });
      const t1 = performance.now();
      floor(p.d, p.data);
      const t2 = performance.now();
      fulls.push(t1 - t0);
      floors.push(t2 - t1);
    } else {
      const t0 = performance.now();
      floor(p.d, p.data);
      const t1 = performance.now();
      verifyCode(c, w.index, { now: NOW });
      const t2 = performance.now();
      floors.push(t1 - t0);
      fulls.push(t2 - t1);
    }
  }
  const us = (ms: number) => ms * 1000;
  return { full: us(median(fulls)), floor: us(median(floors)) };
}

/**
 * Each worst case against a valid YSS1 code, both timed as `verify` runs them (verifyCode, then
 * the printed JSON), alternating, in the same run; the worst median ratio is reported.
 */
function measureWorst(w: World, valid: string[]): { us: number; ratio: number; name: string } {
  const cases = worstCases(w.gd.kid, NOW);
  const once = (t: string) => JSON.stringify(verifyCode(t, w.index, { now: NOW }));
  let worst = { us: 0, ratio: 0, name: '' };
  for (const [name, text] of Object.entries(cases)) {
    for (let i = 0; i < 200; i++) once(text);
    const bad: number[] = [];
    const good: number[] = [];
    for (let r = 0; r < 2000; r++) {
      const v = valid[r % valid.length]!;
      const [first, second] = r % 2 === 0 ? [text, v] : [v, text];
      const t0 = performance.now();
      once(first);
      const t1 = performance.now();
      once(second);
      const t2 = performance.now();
      (r % 2 === 0 ? bad : good).push(t1 - t0);
      (r % 2 === 0 ? good : bad).push(t2 - t1);
    }
    const ratio = median(bad) / median(good);
    console.error(`worst case ${name}: ${(median(bad) * 1000).toFixed(1)} µs, ${ratio.toFixed(2)}× a valid code`);
    if (ratio > worst.ratio) worst = { us: median(bad) * 1000, ratio, name };
  }
  return worst;
}

export async function run(): Promise<Record<string, number>> {
  const w = makeWorld();
  const trials: Trial[] = [
    {
      name: 'yss1',
      codes: Array.from({ length: CODES }, (_, i) => yssCode(w, { scope: ['hotel-checkin'], subject: { name: '张小明', name_masked: '张*明' }, sub: `u-${i}` })),
      key: w.index.keysByKid.get(Buffer.from(w.gd.kid).toString('latin1'))![0]!.key!,
      floor: () => true,
    },
    {
      name: 'hc1_es256',
      codes: Array.from({ length: CODES }, (_, i) => hcertCode(w, { iat: NOW - 1000 - i })),
      key: w.index.keysByKid.get(Buffer.from(w.hc.kid).toString('latin1'))![0]!.key!,
      floor: () => true,
    },
    {
      name: 'hc1_ps256',
      codes: Array.from({ length: CODES }, (_, i) => hcertCode(w, { key: w.hcRsa, iat: NOW - 1000 - i })),
      key: w.index.keysByKid.get(Buffer.from(w.hcRsa.kid).toString('latin1'))![0]!.key!,
      floor: () => true,
    },
  ];
  // Warm-up: JIT and OpenSSL caches, untimed.
  for (const t of trials) for (const c of t.codes) verifyCode(c, w.index, { now: NOW });
  const out: Record<string, number> = {};
  const round = (x: number) => Number(x.toFixed(1));
  const yss = measure(trials[0]!, w);
  const es = measure(trials[1]!, w);
  const ps = measure(trials[2]!, w);
  out.verify_yss1_us = round(yss.full);
  out.verify_floor_ed25519_us = round(yss.floor);
  out.verify_yss1_per_s = Math.round(1e6 / yss.full);
  out.verify_yss1_ratio = Number((yss.full / yss.floor).toFixed(2));
  out.verify_hc1_es256_us = round(es.full);
  out.verify_floor_es256_us = round(es.floor);
  out.verify_hc1_es256_ratio = Number((es.full / es.floor).toFixed(2));
  out.verify_hc1_ps256_us = round(ps.full);
  out.verify_floor_ps256_us = round(ps.floor);
  out.verify_hc1_ps256_ratio = Number((ps.full / ps.floor).toFixed(2));
  const worst = measureWorst(w, trials[0]!.codes);
  out.verify_worst_case_us = round(worst.us);
  out.verify_worst_case_ratio = Number(worst.ratio.toFixed(2));
  return out;
}
