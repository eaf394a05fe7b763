// EU DCC document signer certificates (X.509 DER) as trust-list keys of an `hcert` issuer
// (codes.md §7, trust-list.md §2): kid, alg from the key type, validity, and the usage the
// certificate's extended key usage allows.
import { createHash, X509Certificate } from 'node:crypto';

/** HCERT key-usage OIDs by certificate kind; the `…4.1.0.1847…` spelling is in deployed certificates too. */
const USAGE_OIDS: Record<string, string> = {
  '1.3.6.1.4.1.1847.2021.1.1': 't',
  '1.3.6.1.4.1.1847.2021.1.2': 'v',
  '1.3.6.1.4.1.1847.2021.1.3': 'r',
  '1.3.6.1.4.1.0.1847.2021.1.1': 't',
  '1.3.6.1.4.1.0.1847.2021.1.2': 'v',
  '1.3.6.1.4.1.0.1847.2021.1.3': 'r',
};

export interface DscKeyEntry {
  kid: string;
  alg: string;
  spki: string;
  not_before: number;
  not_after: number;
  usage?: string[];
}

/** kid of a DSC: the first 8 bytes of SHA-256 over its DER. */
export function dscKid(der: Uint8Array): Buffer {
  return createHash('sha256').update(der).digest().subarray(0, 8);
}

/**
 * The trust-list key entry for one DSC. The alg follows the key type (EC → ES256, RSA → PS256,
 * Ed25519 → EdDSA); an EC key on another curve keeps ES256 so that codes using it are refused as
 * `alg_mismatch` with a precise reason rather than as an unknown key.
 */
export function dscKeyEntry(der: Uint8Array, opts: { ignoreValidity?: boolean; ignoreUsage?: boolean } = {}): DscKeyEntry {
  const cert = new X509Certificate(der);
  const key = cert.publicKey;
  const alg = key.asymmetricKeyType === 'ed25519' ? 'EdDSA' : key.asymmetricKeyType === 'ec' ? 'ES256' : 'PS256';
  const entry: DscKeyEntry = {
    kid: dscKid(der).toString('base64url'),
    alg,
    spki: key.export({ type: 'spki', format: 'der' }).toString('base64'),
    not_before: opts.ignoreValidity ? Number.MIN_SAFE_INTEGER : Math.floor(Date.parse(cert.validFrom) / 1000),
    not_after: opts.ignoreValidity ? Number.MAX_SAFE_INTEGER : Math.floor(Date.parse(cert.validTo) / 1000),
  };
  const usage = [...new Set(cert.keyUsage?.flatMap((oid) => USAGE_OIDS[oid] ?? []) ?? [])];
  // No HCERT OID at all (no extension, or only other purposes) means valid for every kind:
  // the HCERT spec restricts only through these OIDs.
  if (usage.length > 0 && !opts.ignoreUsage) entry.usage = usage.sort();
  return entry;
}

/** An issuer entry of type `hcert` holding every certificate of a DSC list. */
export function hcertIssuerEntry(ders: readonly Uint8Array[], id = 'DCC', opts: Parameters<typeof dscKeyEntry>[1] = {}): object {
  return {
    id,
    names: { 'zh-CN': '欧盟数字新冠证书', 'zh-HK': '歐盟數碼新冠證書', en: 'EU Digital COVID Certificate' },
    types: ['hcert'],
    keys: ders.map((d) => dscKeyEntry(d, opts)),
  };
}
