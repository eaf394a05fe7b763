// One function per EXPECTED flag of the dgc-testdata README. Each returns whether the step
// succeeded on this case, or null when the case lacks the inputs the step needs.
import { inflateSync } from 'node:zlib';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import {
  base45Decode,
  cborDecodePayload,
  encodeCodeText,
  parseCoseSign1,
  verifyCode,
  type VerifyReason,
} from '../../terminal/src/codes/index.ts';
import { hcertIssuerEntry, indexFromDocument, type TrustIndex } from '../../terminal/src/trust/index.ts';
import { dccEqual } from './json-equal.ts';

export interface DccCase {
  JSON?: unknown;
  CBOR?: string;
  COSE?: string;
  COMPRESSED?: string;
  BASE45?: string;
  PREFIX?: string;
  '2DCODE'?: string;
  TESTCTX?: { CERTIFICATE?: string; VALIDATIONCLOCK?: string; DESCRIPTION?: string };
  EXPECTEDRESULTS?: Record<string, unknown>;
}

export interface Outcome {
  ok: boolean;
  detail: string;
}

type Check = (c: DccCase) => Outcome | null;

const hex = (s: string) => Buffer.from(s, 'hex');
const yes = (detail = ''): Outcome => ({ ok: true, detail });
const no = (detail: string): Outcome => ({ ok: false, detail });

/** A one-certificate trust index; each flag keeps only the certificate limits it is about. */
function trustFor(c: DccCase, keep: { validity: boolean; usage: boolean }): TrustIndex | null {
  const cert = c.TESTCTX?.CERTIFICATE;
  if (!cert) return null;
  const der = Buffer.from(cert, 'base64');
  const issuer = hcertIssuerEntry([der], 'DCC', { ignoreValidity: !keep.validity, ignoreUsage: !keep.usage });
  return indexFromDocument({ format: 'yss-trust-list/1', sequence: 1, issued_at: 0, expires_at: 0, issuers: [issuer] });
}

function clockOf(c: DccCase): number | null {
  const t = c.TESTCTX?.VALIDATIONCLOCK;
  if (!t) return null;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}

/** The COSE field as code text, so the flags that need it run the real verifier. */
function coseText(c: DccCase): string | null {
  return c.COSE ? encodeCodeText('HC1', hex(c.COSE), false) : null;
}

function dgcOf(payload: unknown): unknown {
  return payload instanceof Map ? (payload.get(-260) as Map<unknown, unknown> | undefined)?.get(1) : undefined;
}

const SIGNATURE_STEPS: ReadonlySet<VerifyReason> = new Set([
  'malformed',
  'unsupported_alg',
  'unknown_key',
  'alg_mismatch',
  'bad_signature',
]);
const TIME_STEPS: ReadonlySet<VerifyReason> = new Set(['key_not_valid', 'not_yet_valid', 'expired']);

export const CHECKS: Record<string, Check> = {
  PICTUREDECODE(c) {
    if (!c['2DCODE'] || c.PREFIX === undefined) return null;
    let png: PNG;
    try {
      png = PNG.sync.read(Buffer.from(c['2DCODE'], 'base64'));
    } catch (e) {
      return no(`PNG does not decode: ${(e as Error).message}`);
    }
    const qr = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
    if (!qr) return no('no QR code found in the picture');
    return qr.data === c.PREFIX ? yes() : no('QR text differs from PREFIX');
  },
  UNPREFIX(c) {
    if (c.PREFIX === undefined || c.BASE45 === undefined) return null;
    if (!c.PREFIX.startsWith('HC1:')) return no(`prefix is not HC1: (${JSON.stringify(c.PREFIX.slice(0, 4))})`);
    return c.PREFIX.slice(4) === c.BASE45 ? yes() : no('text after HC1: differs from BASE45');
  },
  B45DECODE(c) {
    if (c.BASE45 === undefined || c.COMPRESSED === undefined) return null;
    const bytes = base45Decode(c.BASE45);
    if (!bytes) return no('BASE45 is not strict RFC 9285 base45');
    return Buffer.from(bytes).equals(hex(c.COMPRESSED)) ? yes() : no('decoded BASE45 differs from COMPRESSED');
  },
  COMPRESSION(c) {
    if (c.COMPRESSED === undefined || c.COSE === undefined) return null;
    try {
      return inflateSync(hex(c.COMPRESSED), { maxOutputLength: 65_537 }).equals(hex(c.COSE)) ? yes() : no('inflated COMPRESSED differs from COSE');
    } catch (e) {
      return no(`COMPRESSED does not inflate: ${(e as Error).message}`);
    }
  },
  DECODE(c) {
    if (c.JSON === undefined || (c.CBOR === undefined && c.COSE === undefined)) return null;
    let dgc: unknown;
    try {
      if (c.CBOR !== undefined) {
        // The field holds the DGC itself in most cases and the whole CWT in some (DE, NL, ...).
        const item = cborDecodePayload(hex(c.CBOR), 'HC1');
        dgc = item instanceof Map && item.has(-260) ? dgcOf(item) : item;
      } else {
        const cose = parseCoseSign1(hex(c.COSE!));
        if (!cose) return no('COSE is not a COSE_Sign1');
        dgc = dgcOf(cborDecodePayload(cose.payload, 'HC1'));
      }
    } catch (e) {
      return no(`CBOR does not decode: ${(e as Error).message}`);
    }
    return dccEqual(dgc, c.JSON) ? yes() : no('decoded CBOR differs from JSON');
  },
  VALIDJSON(c) {
    if (c.JSON === undefined || c.PREFIX === undefined) return null;
    const r = verifyCode(c.PREFIX, null, { now: 0 });
    // No trust needed to decode: anything past step 2 decoded the whole chain.
    if (r.reason === 'malformed' || r.reason === 'unsupported_alg') return no(`chain does not decode (${r.reason})`);
    return dccEqual((r.printed?.hcert as Record<string, unknown> | undefined)?.['1'], c.JSON) ? yes() : no('decoded payload differs from JSON');
  },
  VERIFY(c) {
    const text = coseText(c);
    const trust = trustFor(c, { validity: false, usage: false });
    if (!text || !trust) return null;
    const iat = (() => {
      const r = verifyCode(text, trust, { now: 0 });
      return r.claims?.iat ?? 0;
    })();
    const r = verifyCode(text, trust, { now: iat });
    return r.reason !== null && SIGNATURE_STEPS.has(r.reason) ? no(r.reason) : yes(r.reason ?? 'valid');
  },
  EXPIRATIONCHECK(c) {
    const text = coseText(c);
    const trust = trustFor(c, { validity: true, usage: false });
    const now = clockOf(c);
    if (!text || !trust || now === null) return null;
    const r = verifyCode(text, trust, { now, skew: 0 });
    if (r.reason === 'malformed') return no('malformed');
    return r.reason !== null && TIME_STEPS.has(r.reason) ? no(r.reason) : yes(r.reason ?? 'valid');
  },
  KEYUSAGE(c) {
    const text = coseText(c);
    const trust = trustFor(c, { validity: false, usage: true });
    if (!text || !trust) return null;
    // Usage is step 7; pin the clock inside the code's life so time reasons cannot mask it.
    const first = verifyCode(text, trust, { now: 0 });
    const now = first.claims?.iat ?? 0;
    const r = verifyCode(text, trust, { now });
    if (r.reason === 'malformed') return no('malformed');
    return r.reason === 'type_not_allowed' ? no('type_not_allowed') : yes(r.reason ?? 'valid');
  },
};
