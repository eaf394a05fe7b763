// Trust list with 1,000,000 revoked entries: time to open it (signature, JSON, index) and the
// per-code cost of the revocation lookup, beside the bare SHA-256 it is built on.
import { hash, randomBytes } from 'node:crypto';
import nacl from 'tweetnacl';
import { ctiHash, isRevoked, openTrustList, signTrustList } from '../index.ts';

const ENTRIES = 1_000_000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function run(): Promise<Record<string, number>> {
  const kp = nacl.sign.keyPair();
  const root = { kid: 'bench-root', x: Buffer.from(kp.publicKey).toString('base64url') };
  // Random 32-byte hashes stand in for real ones: SHA-256 output is indistinguishable from them.
  const pool = randomBytes(32 * ENTRIES);
  const cti: string[] = new Array(ENTRIES * 0.8);
  const sub: string[] = new Array(ENTRIES * 0.2);
  for (let i = 0; i < cti.length; i++) cti[i] = pool.subarray(i * 32, i * 32 + 32).toString('base64url');
  for (let i = 0; i < sub.length; i++) sub[i] = pool.subarray((cti.length + i) * 32, (cti.length + i) * 32 + 32).toString('base64url');
  const planted = randomBytes(16);
  cti[12_345] = ctiHash(planted);
  const payload = { format: 'yss-trust-list/1', sequence: 1, issued_at: 0, expires_at: 1, issuers: [], revoked: { kids: [], cti, sub } };
  const jws = signTrustList(payload, { kid: root.kid, secretKey: kp.secretKey });

  const loads: number[] = [];
  let index = null;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const opened = openTrustList(jws, [root]);
    loads.push(performance.now() - t0);
    if (!opened.ok) throw new Error(opened.message);
    index = opened.index;
  }
  if (!index) throw new Error('no index');

  const probes = Array.from({ length: 100_000 }, () => randomBytes(16));
  // A planted entry proves the lookup finds entries, not just misses.
  if (!isRevoked(index, planted, 'CN-44', 'x')) throw new Error('lookup misses a revoked cti');
  let hits = 0;
  for (const p of probes.slice(0, 10_000)) if (isRevoked(index, p, 'CN-44', 'u-1')) hits++;
  const t0 = performance.now();
  for (const p of probes) if (isRevoked(index, p, 'CN-44', 'u-1')) hits++;
  const lookup = ((performance.now() - t0) * 1000) / probes.length;
  const t1 = performance.now();
  for (const p of probes) hash('sha256', p, 'base64url');
  const floor = ((performance.now() - t1) * 1000) / probes.length;
  console.error(`revocation: load ${loads.map((l) => l.toFixed(0)).join('/')} ms, lookup ${lookup.toFixed(2)} µs (one bare sha256 ${floor.toFixed(2)} µs), hits ${hits}`);
  return {
    revocation_load_1m_ms: Math.round(median(loads)),
    revocation_lookup_us: Number(lookup.toFixed(3)),
    revocation_sha256_floor_us: Number(floor.toFixed(3)),
  };
}
