import { randomBytes } from 'node:crypto';
import { mintYss1 } from '../../terminal/src/codes/index.ts';
import { loadIssuer, secretOf } from './keys.ts';

export const CODE_TYPES = ['personal', 'health', 'credential'] as const;

/** Default lifetime per type, seconds: personal codes refresh every 30–60 s in the app. */
export const DEFAULT_TTL: Record<string, number> = { personal: 60, health: 3600, credential: 600 };

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
  health?: string;
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
  const type = o.type ?? (o.health ? 'health' : 'personal');
  const iat = o.at ?? Math.floor(Date.now() / 1000);
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
    subject: o.name ? { ...o.subject, name: o.name, name_masked: maskName(o.name) } : undefined,
    health: o.health ? { status: o.health, as_of: iat } : undefined,
  });
}
