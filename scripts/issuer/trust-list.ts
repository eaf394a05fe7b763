import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hcertIssuerEntry, signTrustList } from '../../terminal/src/trust/index.ts';
import { loadIssuers, loadRoot, secretOf } from './keys.ts';

/** Default lifetime of a demo trust list, seconds (14 days). */
export const DEFAULT_LIST_LIFETIME = 14 * 86_400;

export interface TrustListOptions {
  sequence: number;
  expiresIn?: number;
  now?: number;
  revoked?: { kids?: string[]; cti?: string[]; sub?: string[] };
  /** DER X.509 document signer certificates to list as the `hcert` issuer `DCC`. */
  dsc?: Uint8Array[];
}

/**
 * Reads DSCs from a file or a folder of files: DER, PEM (one or many certificates), or base64
 * DER on one line (the form of dgc-testdata's TESTCTX.CERTIFICATE).
 */
export function readDscs(path: string): Uint8Array[] {
  const files = statSync(path).isDirectory() ? readdirSync(path).sort().map((f) => join(path, f)) : [path];
  const out: Uint8Array[] = [];
  for (const f of files) {
    const raw = readFileSync(f);
    const text = raw.toString('latin1');
    const pems = [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
    if (pems.length) out.push(...pems.map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
    else if (raw[0] === 0x30) out.push(raw);
    else out.push(Buffer.from(text.trim(), 'base64'));
  }
  return out;
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
    issuers: [...byIssuer.values(), ...(o.dsc?.length ? [hcertIssuerEntry(o.dsc)] : [])],
    revoked: { kids: o.revoked?.kids ?? [], cti: o.revoked?.cti ?? [], sub: o.revoked?.sub ?? [] },
  };
}

export function signedTrustList(dir: string, o: TrustListOptions): string {
  const root = loadRoot(dir);
  return signTrustList(trustListPayload(dir, o), { kid: root.kid, secretKey: secretOf(root) });
}
