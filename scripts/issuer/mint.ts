import { randomBytes } from 'node:crypto';
import { mintYss1 } from '../../terminal/src/codes/index.ts';
import { loadIssuer, secretOf } from './keys.ts';

export const CODE_TYPES = ['personal', 'health', 'credential'] as const;
export const HEALTH_STATUSES = ['green', 'yellow', 'red'] as const;
/** codes.md §4 `subject.doc_type`. */
export const DOC_TYPES = ['CN-RIC', 'CN-FPRIC', 'CN-HMTRP', 'PASSPORT', 'MO-RIC'] as const;

/** Default lifetime per type, seconds: personal codes refresh every 30–60 s in the app. */
export const DEFAULT_TTL: Record<string, number> = { personal: 60, health: 3600, credential: 600 };

/** The e-certificate a `credential` code carries (codes.md §4 `credential`). */
export interface CredentialInput {
  type: string;
  no?: string;
  holder?: string;
  valid_from?: string;
  valid_until?: string;
  issuer_name?: string;
}

export interface MintOptions {
  keys: string;
  issuer?: string;
  type?: string;
  sub?: string;
  scope?: string[];
  name?: string;
  /** More subject fields the holder authorized (doc_type, doc_no, ...), next to the name. */
  subject?: Record<string, string>;
  ttl?: number;
  at?: number;
  /** `green`, `yellow`, `red`, or `none` for a health code that carries no status. */
  health?: string;
  /** When the health status was assessed, unix seconds; default: the issue time. */
  healthAsOf?: number;
  credential?: CredentialInput;
}

/** `张三` → `张*`, `张小明` → `张*明`: what a screen may show before the holder authorizes more. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return name;
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

export function mintCode(o: MintOptions): string {
  const issuerId = o.issuer ?? 'CN-44';
  const file = loadIssuer(o.keys, issuerId);
  const type = o.type ?? (o.health ? 'health' : o.credential ? 'credential' : 'personal');
  const iat = o.at ?? Math.floor(Date.now() / 1000);
  const subject = o.name ? { ...o.subject, name: o.name, name_masked: maskName(o.name) } : o.subject && Object.keys(o.subject).length ? o.subject : undefined;
  return mintYss1({
    kid: Buffer.from(file.kid, 'base64url'),
    secretKey: secretOf(file),
    iss: issuerId,
    sub: o.sub ?? `u-${randomBytes(8).toString('hex')}`,
    type,
    iat,
    exp: iat + (o.ttl ?? DEFAULT_TTL[type] ?? 60),
    cti: randomBytes(16),
    scope: o.scope,
    subject,
    // `none`: a health map without a status, as a code whose status is unknown carries it.
    health: o.health === 'none' ? { as_of: o.healthAsOf ?? iat } : o.health ? { status: o.health, as_of: o.healthAsOf ?? iat } : undefined,
    credential: o.credential ? (Object.fromEntries(Object.entries(o.credential).filter(([, v]) => v !== undefined)) as Record<string, string>) : undefined,
  });
}
