// The issuer side of the wire format: building COSE_Sign1 objects and code text. Used by the
// demo issuer, tests, the fuzzer and benchmarks; terminals never mint.
import { deflateSync } from 'node:zlib';
import nacl from 'tweetnacl';
import { base45Encode } from './base45.ts';
import { cborEncode, cborTag } from './cbor.ts';
import { sigStructure } from './cose.ts';
import { ALG_EDDSA } from './decode.ts';

export interface CoseParts {
  protectedHeader: Map<number, unknown>;
  unprotectedHeader?: Map<number, unknown>;
  payload: Uint8Array;
  /** Signs the Sig_structure bytes. */
  sign: (toBeSigned: Uint8Array) => Uint8Array;
  /** Tags around the array, outermost first; default [18]. */
  tags?: readonly number[];
  /** Replaces the signature after signing (tests of broken signatures). */
  tamper?: (signature: Uint8Array) => Uint8Array;
}

export function buildCoseSign1(parts: CoseParts): Uint8Array {
  const prot = parts.protectedHeader.size === 0 ? new Uint8Array(0) : cborEncode(parts.protectedHeader);
  let signature = parts.sign(sigStructure(prot, parts.payload));
  if (parts.tamper) signature = parts.tamper(signature);
  let out = cborEncode([prot, parts.unprotectedHeader ?? new Map(), parts.payload, signature]);
  const tags = parts.tags ?? [18];
  for (let i = tags.length - 1; i >= 0; i--) out = cborTag(tags[i]!, out);
  return out;
}

/** zlib at its best ratio: a code is minted once and scanned many times. */
export function compress(data: Uint8Array): Uint8Array {
  return deflateSync(data, { level: 9 });
}

/** `PREFIX:` + base45(zlib(cose)); `compressed: false` leaves the COSE bytes as they are. */
export function encodeCodeText(prefix: 'YSS1' | 'HC1', cose: Uint8Array, compressed = true): string {
  return `${prefix}:${base45Encode(compressed ? compress(cose) : cose)}`;
}

export interface YssClaimsInput {
  iss: string;
  sub: string;
  type: string;
  iat: number;
  exp: number;
  nbf?: number;
  cti: Uint8Array;
  scope?: string[];
  subject?: Record<string, string>;
  /** `status` may be left out: a code whose status is unknown (codes.md §4). */
  health?: { status?: string; as_of: number };
  credential?: Record<string, string>;
}

/** CWT claims of a YSS1 code (codes.md §4) as a CBOR map. */
export function yssClaims(c: YssClaimsInput): Map<number, unknown> {
  const yss: Record<string, unknown> = { v: 1, t: c.type };
  if (c.scope) yss.scope = c.scope;
  if (c.subject) yss.subject = c.subject;
  if (c.health) yss.health = c.health;
  if (c.credential) yss.credential = c.credential;
  const m = new Map<number, unknown>([
    [1, c.iss],
    [2, c.sub],
    [4, c.exp],
    [6, c.iat],
    [7, c.cti],
    [-75000, yss],
  ]);
  if (c.nbf !== undefined) m.set(5, c.nbf);
  return m;
}

/** An Ed25519 signer from a tweetnacl 64-byte secret key. */
export function ed25519Signer(secretKey: Uint8Array): (data: Uint8Array) => Uint8Array {
  return (data) => nacl.sign.detached(data, secretKey);
}

export interface MintYssOptions extends YssClaimsInput {
  kid: Uint8Array;
  /** tweetnacl secret key (64 bytes). */
  secretKey: Uint8Array;
}

/** Mints a YSS1 code signed with EdDSA, the way the provincial platform does. */
export function mintYss1(o: MintYssOptions): string {
  const cose = buildCoseSign1({
    protectedHeader: new Map<number, unknown>([
      [1, ALG_EDDSA],
      [4, o.kid],
    ]),
    payload: cborEncode(yssClaims(o)),
    sign: ed25519Signer(o.secretKey),
  });
  return encodeCodeText('YSS1', cose);
}
