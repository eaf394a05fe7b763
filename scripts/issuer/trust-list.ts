import { signTrustList } from '../../terminal/src/trust/index.ts';
import { loadIssuers, loadRoot, secretOf } from './keys.ts';

/** Default lifetime of a demo trust list, seconds (14 days). */
export const DEFAULT_LIST_LIFETIME = 14 * 86_400;

export interface TrustListOptions {
  sequence: number;
  expiresIn?: number;
  now?: number;
  revoked?: { kids?: string[]; cti?: string[]; sub?: string[] };
}

/** The trust-list payload for every issuer key in `dir` (trust-list.md §2). */
export function trustListPayload(dir: string, o: TrustListOptions): object {
  const now = o.now ?? Math.floor(Date.now() / 1000);
  const byIssuer = new Map<string, { id: string; names: Record<string, string>; types: string[]; keys: object[] }>();
  for (const f of loadIssuers(dir)) {
    let entry = byIssuer.get(f.issuer);
    if (!entry) {
      entry = { id: f.issuer, names: f.names, types: f.types, keys: [] };
      byIssuer.set(f.issuer, entry);
    }
    entry.keys.push({ kid: f.kid, alg: f.alg, x: f.x, not_before: f.not_before, not_after: f.not_after });
  }
  return {
    format: 'yss-trust-list/1',
    sequence: o.sequence,
    issued_at: now,
    expires_at: now + (o.expiresIn ?? DEFAULT_LIST_LIFETIME),
    issuers: [...byIssuer.values()],
    revoked: { kids: o.revoked?.kids ?? [], cti: o.revoked?.cti ?? [], sub: o.revoked?.sub ?? [] },
  };
}

export function signedTrustList(dir: string, o: TrustListOptions): string {
  const root = loadRoot(dir);
  return signTrustList(trustListPayload(dir, o), { kid: root.kid, secretKey: secretOf(root) });
}
