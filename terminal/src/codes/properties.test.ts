// Property tests (fast-check) for the decoders: encode → decode round trips on generated values,
// and each fast reader agrees with its generic path (base45 with a BigInt reference, our CBOR
// reader with cborg, the hand COSE reader with the generic one, claims checks with their JSON).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decode as cborgDecode } from 'cborg';
import {
  base45Decode,
  base45Encode,
  cborDecode,
  cborDecodeHeader,
  cborDecodePayload,
  cborEncode,
  CborFloat,
  claimsToJson,
  CREDENTIAL_FIELDS,
  SUBJECT_FIELDS,
  parseCoseSign1,
  yssClaims,
} from './index.ts';
import { parseCoseSign1Generic } from './cose.ts';
import { checkYssClaims } from './claims.ts';

const RUNS = { numRuns: 300 };
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

/** RFC 9285 §4.2 written the slow, obvious way: the reference the fast decoder must equal. */
function base45Reference(s: string): number[] | null {
  if (s.length % 3 === 1) return null;
  const out: number[] = [];
  for (let i = 0; i < s.length; i += 3) {
    const digits = [...s.slice(i, i + 3)].map((c) => ALPHABET.indexOf(c));
    if (digits.some((d) => d < 0)) return null;
    const n = digits.reduce((acc, d, k) => acc + d * 45 ** k, 0);
    if (digits.length === 3) {
      if (n > 65535) return null;
      out.push(Math.floor(n / 256), n % 256);
    } else {
      if (n > 255) return null;
      out.push(n);
    }
  }
  return out;
}

test('base45 round-trips any bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      assert.deepEqual([...base45Decode(base45Encode(bytes))!], [...bytes]);
    }),
    RUNS,
  );
});

test('base45 decoding equals the reference on any text near the alphabet', () => {
  const char = fc.oneof(fc.constantFrom(...ALPHABET), fc.constantFrom('a', 'z', '_', '\u00c0', '\u0141', ':', 'Z', '0'));
  fc.assert(
    fc.property(fc.array(char, { maxLength: 40 }), (chars) => {
      const s = chars.join('');
      const got = base45Decode(s);
      assert.deepEqual(got === null ? null : [...got], base45Reference(s));
    }),
    { numRuns: 2000 },
  );
});

/** CBOR values in the subset codes use: integers, text, bytes, bools, null, arrays, int/text-keyed maps. */
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    fc.maxSafeInteger(),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.uint8Array({ maxLength: 40 }),
    fc.boolean(),
    fc.constant(null),
  ),
  node: fc.oneof({ depthSize: 'small', maxDepth: 5 }, tie('leaf'), tie('array'), tie('map')),
  array: fc.array(tie('node'), { maxLength: 6 }),
  map: fc
    .uniqueArray(fc.tuple(fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.string({ maxLength: 8 })), tie('node')), {
      maxLength: 6,
      selector: ([k]) => (typeof k === 'number' ? `i${k}` : `t${k}`),
    })
    .map((entries) => new Map(entries)),
}));

/** A comparable form: map entries sorted (cborg writes them in canonical order), bytes as arrays. */
const plain = (v: unknown): unknown => {
  if (v instanceof Map) {
    const key = (k: unknown) => `${typeof k}:${String(k)}`;
    return [...v].map(([k, x]) => [k, plain(x)]).sort((a, b) => (key(a[0]) < key(b[0]) ? -1 : 1));
  }
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Uint8Array) return { bytes: [...v] };
  if (v instanceof CborFloat) return { float: v.value };
  return v;
};

test('our CBOR reader round-trips generated values and equals cborg on them', () => {
  fc.assert(
    fc.property(value.node, (v) => {
      const bytes = cborEncode(v);
      const ours = cborDecodePayload(bytes, 'YSS1');
      assert.deepEqual(plain(ours), plain(v));
      assert.deepEqual(plain(ours), plain(cborgDecode(bytes, { useMaps: true })));
      assert.deepEqual(plain(cborDecodeHeader(bytes)), plain(ours));
    }),
    RUNS,
  );
});

test('our CBOR reader keeps floats apart from integers, with the value cborg reads', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true }), (x) => {
      const b = Buffer.alloc(9);
      b[0] = 0xfb;
      b.writeDoubleBE(x, 1);
      const v = cborDecode(b);
      assert.ok(v instanceof CborFloat);
      assert.ok(Object.is(v.value, cborgDecode(b) as number));
    }),
    RUNS,
  );
  for (const half of [0x0000, 0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0xfc00, 0x8000]) {
    const b = Uint8Array.from([0xf9, half >> 8, half & 0xff]);
    assert.ok(Object.is((cborDecode(b) as CborFloat).value, cborgDecode(b) as number), `half ${half.toString(16)}`);
  }
});

test('our CBOR reader never accepts bytes that cborg (strict) refuses, and never throws anything but CborError', () => {
  fc.assert(
    fc.property(value.node, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }), (v, edits) => {
      const bytes = Uint8Array.from(cborEncode(v));
      for (const [i, x] of edits) if (bytes.length) bytes[i % bytes.length] = x;
      let ours: unknown;
      try {
        ours = cborDecodePayload(bytes, 'YSS1');
      } catch (e) {
        assert.equal((e as Error).constructor.name, 'CborError');
        return;
      }
      // What we accept, a strict generic decoder accepts too, with the same value (floats as numbers).
      const theirs = cborgDecode(bytes, { useMaps: true, rejectDuplicateMapKeys: true, allowUndefined: false, allowBigInt: true, tags: [] });
      const unfloat = (x: unknown): unknown =>
        x instanceof CborFloat ? x.value : x instanceof Map ? new Map([...x].map(([k, y]) => [k, unfloat(y)])) : Array.isArray(x) ? x.map(unfloat) : x;
      assert.deepEqual(plain(unfloat(ours)), plain(theirs));
    }),
    { numRuns: 2000 },
  );
});

const bstr = fc.uint8Array({ maxLength: 300 });
const header = fc.oneof(
  fc.constant(new Map()),
  fc
    .uniqueArray(fc.tuple(fc.integer({ min: -30, max: 30 }), fc.oneof(fc.integer({ min: -300, max: 300 }), fc.uint8Array({ maxLength: 30 }), fc.string({ maxLength: 4 }))), {
      maxLength: 6,
      selector: ([k]) => k,
    })
    .map((e) => new Map<number, unknown>(e)),
);

test('the hand COSE reader equals the generic one on generated objects, well-formed or mutated', () => {
  const flat = (c: ReturnType<typeof parseCoseSign1>) =>
    c && { ...c, protectedBytes: [...c.protectedBytes], payload: [...c.payload], signature: [...c.signature], protectedHeader: plain(c.protectedHeader), unprotectedHeader: plain(c.unprotectedHeader) };
  fc.assert(
    fc.property(
      header,
      bstr,
      bstr,
      fc.constantFrom([], [0xd2], [0xd8, 0x3d, 0xd2], [0xd8, 0x3d]),
      fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }))),
      (h, payload, sig, tags, edit) => {
        const prot = h.size ? cborEncode(h) : new Uint8Array(0);
        const bytes = Uint8Array.from([...tags, ...cborEncode([prot, new Map(), payload, sig])]);
        if (edit) bytes[edit[0] % bytes.length] = edit[1];
        assert.deepEqual(flat(parseCoseSign1(bytes)), flat(parseCoseSign1Generic(bytes)));
      },
    ),
    { numRuns: 1000 },
  );
});

test('YSS1 claims round-trip through encoding, checking and their JSON', () => {
  const subject = fc.dictionary(fc.constantFrom('name', 'name_masked', 'doc_type', 'doc_no', 'birth_date'), fc.string({ maxLength: 20 }));
  fc.assert(
    fc.property(
      fc.string({ unit: 'grapheme', maxLength: 64 }).filter((s) => [...s].length <= 64),
      fc.integer({ min: 0, max: 2 ** 40 }),
      fc.integer({ min: 0, max: 10 ** 6 }),
      fc.uint8Array({ minLength: 8, maxLength: 16 }),
      fc.constantFrom('personal', 'health', 'credential'),
      fc.array(fc.string({ maxLength: 12 }), { maxLength: 4 }),
      subject,
      (sub, iat, life, cti, type, scope, subj) => {
        const claims = yssClaims({ iss: 'CN-44', sub, type, iat, exp: iat + life, cti, scope, subject: subj });
        const checked = checkYssClaims(cborDecodePayload(cborEncode(claims), 'YSS1'));
        assert.ok(checked, 'valid claims pass the check');
        assert.deepEqual([checked.sub, checked.iat, checked.exp, checked.type, [...checked.cti!]], [sub, iat, iat + life, type, [...cti]]);
        const json = claimsToJson(checked.raw);
        assert.deepEqual(JSON.parse(JSON.stringify(json)), {
          iss: 'CN-44',
          sub,
          exp: iat + life,
          iat,
          cti: Buffer.from(cti).toString('base64url'),
          yss: { v: 1, t: type, scope, subject: { ...subj } },
        });
      },
    ),
    RUNS,
  );
});

test('the short-string UTF-8 reader equals TextDecoder (fatal) on any bytes', () => {
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  fc.assert(
    fc.property(
      fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.string({ unit: 'binary', maxLength: 20 }).map((s) => new TextEncoder().encode(s).subarray(0, 64))),
      (bytes) => {
        const item = Uint8Array.from([0x78, bytes.length, ...bytes]);
        let reference: string | null;
        try {
          reference = strict.decode(bytes);
        } catch {
          reference = null;
        }
        let ours: string | null;
        try {
          ours = cborDecodeHeader(item) as string;
        } catch {
          ours = null;
        }
        assert.equal(ours, reference);
      },
    ),
    { numRuns: 5000 },
  );
});

test('the typed YSS1 claims the venue reads are the printed claims, narrowed: no field read that was not printed', () => {
  // Any CBOR value the decoder takes may stand where the spec wants text or a time.
  const value: fc.Arbitrary<unknown> = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
    fc.boolean(),
    fc.uint8Array({ maxLength: 4 }),
    fc.bigInt({ min: 2n ** 60n, max: 2n ** 63n }),
    fc.constant(new Map([['name', 'x']])),
    fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
  );
  const map = (keys: string[]) => fc.option(fc.dictionary(fc.constantFrom(...keys, 'other', '__proto__'), value).map((o) => new Map(Object.entries(o))), { nil: undefined });
  // The printed text of each field that was text in the code: JSON also prints byte strings
  // (base64url) and big integers (decimal) as text, and a name is never either.
  const text = (o: Record<string, unknown> | undefined, raw: Map<string, unknown> | undefined, keys: readonly string[]) =>
    o === undefined || raw === undefined ? null : Object.fromEntries(keys.flatMap((k) => (typeof raw.get(k) === 'string' ? [[k, o[k]]] : [])));
  fc.assert(
    fc.property(map([...SUBJECT_FIELDS]), map([...CREDENTIAL_FIELDS]), map(['status', 'as_of']), (subject, credential, health) => {
      const claims = yssClaims({ iss: 'CN-44', sub: 'u1', type: 'personal', iat: 1, exp: 2, cti: new Uint8Array(8) });
      const yss = claims.get(-75000) as Record<string, unknown>;
      Object.assign(yss, { ...(subject && { subject }), ...(credential && { credential }), ...(health && { health }) });
      const checked = checkYssClaims(cborDecodePayload(cborEncode(claims), 'YSS1'));
      assert.ok(checked);
      const printed = JSON.parse(JSON.stringify(claimsToJson(checked.raw))) as { yss: Record<string, Record<string, unknown> | undefined> };
      assert.deepEqual(checked.subject, text(printed.yss.subject, subject, SUBJECT_FIELDS));
      assert.deepEqual(checked.credential, text(printed.yss.credential, credential, CREDENTIAL_FIELDS));
      const h = printed.yss.health;
      const asOf = h && Object.hasOwn(h, 'as_of') ? h.as_of : undefined;
      const status = typeof health?.get('status') === 'string' ? h?.status : null;
      assert.deepEqual(checked.health, h === undefined ? null : { status, as_of: typeof asOf === 'number' ? asOf : null });
    }),
    RUNS,
  );
});
