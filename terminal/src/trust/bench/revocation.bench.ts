// Trust list with 1,000,000 revoked entries: time to open it (signature, JSON, index) and the
// per-code cost of the revocation lookup (cti and subject), beside one bare SHA-256.
import { hash, randomBytes, verify } from 'node:crypto';
import nacl from 'tweetnacl';
import { ctiHash, ed25519KeyObject, isRevoked, openTrustList, signTrustList } from '../index.ts';

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

  // Beside each load: the bare Ed25519 check of the envelope, a floor no reader can skip. (A
  // plain JSON.parse of the payload is left out: its million strings would burden the next load's GC.)
  const loads: number[] = [];
  const sigFloors: number[] = [];
  const rootKey = ed25519KeyObject(root.x);
  const sig = Buffer.from(jws.slice(jws.lastIndexOf('.') + 1), 'base64url');
  let index = null;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const opened = openTrustList(jws, [root]);
    const t1 = performance.now();
    if (!verify(null, Buffer.from(jws.slice(0, jws.lastIndexOf('.')), 'latin1'), rootKey, sig)) throw new Error('floor rejects');
    const t2 = performance.now();
    loads.push(t1 - t0);
    sigFloors.push(t2 - t1);
    if (!opened.ok) throw new Error(opened.message);
    index = opened.index;
  }
  if (!index) throw new Error('no index');

  const probes = Array.from({ length: 100_000 }, () => randomBytes(16));
  // A planted entry proves the lookup finds entries, not just misses.
  if (!isRevoked(index, planted, 'CN-44', 'x')) throw new Error('lookup misses a revoked cti');
  let hits = 0;
  for (const p of probes.slice(0, 10_000)) if (isRevoked(index, p, 'CN-44', 'u-1')) hits++;
  // Batches of 100, alternating with the bare hash; medians shrug off preemptions.
  const lookups: number[] = [];
  const floors: number[] = [];
  for (let b = 0; b + 100 <= probes.length; b += 100) {
    const t0 = performance.now();
    for (let i = b; i < b + 100; i++) if (isRevoked(index, probes[i]!, 'CN-44', 'u-1')) hits++;
    const t1 = performance.now();
    for (let i = b; i < b + 100; i++) hash('sha256', probes[i]!, 'base64url');
    const t2 = performance.now();
    lookups.push(((t1 - t0) * 1000) / 100);
    floors.push(((t2 - t1) * 1000) / 100);
  }
  const lookup = median(lookups);
  const floor = median(floors);
  const ms = (xs: number[]) => xs.map((l) => l.toFixed(0)).join('/');
  console.error(`revocation: load ${ms(loads)} ms (signature floor ${ms(sigFloors)}), lookup ${lookup.toFixed(2)} µs (one bare sha256 ${floor.toFixed(2)} µs), hits ${hits}`);
  return {
    revocation_load_1m_ms: Math.round(median(loads)),
    revocation_signature_floor_1m_ms: Math.round(median(sigFloors)),
    revocation_load_ratio: Number((median(loads) / median(sigFloors)).toFixed(2)),
    revocation_lookup_us: Number(lookup.toFixed(3)),
    revocation_sha256_floor_us: Number(floor.toFixed(3)),
  };
}
