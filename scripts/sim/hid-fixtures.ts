// Generates the byte-exact HID report fixtures in fixtures/hid/ from the protocols (HID POS
// scanned-data reports; boot keyboard reports per layout), independently of the terminal's
// decoders. `npm run -s sim -- hid-fixtures [--check]` rewrites them (or checks they are current).
import { join } from 'node:path';
import { writeJsonFixtures } from './fixture-files.ts';

export interface HidFixture {
  description: string;
  /** The adapter config that reads these reports. */
  kind: 'hid-pos-scanner' | 'hid-keyboard-scanner';
  layout?: 'us' | 'uk' | 'de' | 'fr';
  report_offset?: 0 | 1 | 2 | 'auto';
  /** Input reports in order, hex. */
  reports: string[];
  /** What the decoder must produce, one entry per scan. */
  expected: { text: string; aim?: string | null; symbology?: string | null }[];
}

// ---- HID POS ----

/** Splits data into scanned-data reports: [id?][len][AIM 3][data 56][vendor][reserved][more]. */
function posReports(data: Buffer, aim: string, vendor: string, offset: 0 | 1 | 2): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.max(1, data.length); i += 56) {
    const chunk = data.subarray(i, i + 56);
    const more = i + 56 < data.length;
    const r = Buffer.alloc(offset + 63);
    if (offset >= 1) r[0] = 0x02; // report id
    // offset 2: one extra byte before the length, as the variant devices send (left zero).
    r[offset] = chunk.length;
    Buffer.from(aim, 'latin1').copy(r, offset + 1);
    chunk.copy(r, offset + 4);
    r[offset + 60] = vendor.charCodeAt(0);
    r[offset + 62] = more ? 0x01 : 0x00;
    out.push(r.toString('hex'));
  }
  return out;
}

// ---- keyboard ----

const US_SHIFTED_DIGITS = '!@#$%^&*()';
const US_PUNCT: [string, string, number][] = [
  ['-', '_', 0x2d], ['=', '+', 0x2e], ['[', '{', 0x2f], [']', '}', 0x30], ['\\', '|', 0x31],
  [';', ':', 0x33], ["'", '"', 0x34], ['`', '~', 0x35], [',', '<', 0x36], ['.', '>', 0x37], ['/', '?', 0x38],
];

type Key = [usage: number, mods: number];

function usKey(c: string): Key {
  if (c >= 'a' && c <= 'z') return [0x04 + c.charCodeAt(0) - 97, 0];
  if (c >= 'A' && c <= 'Z') return [0x04 + c.charCodeAt(0) - 65, 0x02];
  if (c >= '1' && c <= '9') return [0x1e + c.charCodeAt(0) - 49, 0];
  if (c === '0') return [0x27, 0];
  const sd = US_SHIFTED_DIGITS.indexOf(c);
  if (sd >= 0) return [0x1e + sd, 0x20]; // right shift, to prove both shift bits count
  if (c === ' ') return [0x2c, 0];
  for (const [p, s, u] of US_PUNCT) {
    if (c === p) return [u, 0];
    if (c === s) return [u, 0x02];
  }
  throw new Error(`no US key for ${JSON.stringify(c)}`);
}

/** UK: " and @ swap places with each other's keys, £ on shift-3, # has its own key. */
function ukKey(c: string): Key {
  const special: Record<string, Key> = { '"': [0x1f, 0x02], '@': [0x34, 0x02], '£': [0x20, 0x02], '#': [0x32, 0], '~': [0x32, 0x02], '\\': [0x64, 0], '|': [0x64, 0x02] };
  return special[c] ?? usKey(c);
}

/** German QWERTZ: Y and Z swapped; symbols where a German keyboard has them. */
function deKey(c: string): Key {
  const special: Record<string, Key> = {
    y: [0x1d, 0], Y: [0x1d, 0x02], z: [0x1c, 0], Z: [0x1c, 0x02],
    '-': [0x38, 0], _: [0x38, 0x02], ':': [0x37, 0x02], '/': [0x24, 0x02], '@': [0x14, 0x40], '=': [0x27, 0x02],
  };
  return special[c] ?? usKey(c);
}

/** French AZERTY: A/Q and Z/W swapped, M right of L, digits shifted. */
function frKey(c: string): Key {
  const special: Record<string, Key> = {
    a: [0x14, 0], A: [0x14, 0x02], q: [0x04, 0], Q: [0x04, 0x02], z: [0x1a, 0], Z: [0x1a, 0x02], w: [0x1d, 0], W: [0x1d, 0x02],
    m: [0x33, 0], M: [0x33, 0x02], ':': [0x37, 0], '/': [0x37, 0x02], '-': [0x23, 0], '.': [0x36, 0x02], '@': [0x27, 0x40],
  };
  if (special[c]) return special[c];
  if (c >= '1' && c <= '9') return [0x1e + c.charCodeAt(0) - 49, 0x02];
  if (c === '0') return [0x27, 0x02];
  return usKey(c);
}

function report(mods: number, keys: number[], reportId?: number): string {
  const r = Buffer.alloc(8);
  r[0] = mods;
  keys.forEach((k, i) => (r[2 + i] = k));
  return (reportId === undefined ? r : Buffer.concat([Buffer.from([reportId]), r])).toString('hex');
}

/** One press and one release per character, then Enter: what most scanners send. */
function typed(text: string, key: (c: string) => Key, reportId?: number): string[] {
  const out: string[] = [];
  for (const c of text) {
    const [u, m] = key(c);
    out.push(report(m, [u], reportId), report(0, [], reportId));
  }
  out.push(report(0, [0x28], reportId), report(0, [], reportId));
  return out;
}

export function buildFixtures(): Record<string, HidFixture> {
  const long = Buffer.from('YSS1:' + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.repeat(6), 'latin1');
  const sixty = Buffer.from('HC1:' + '0123456789'.repeat(5) + 'ABCDEF', 'latin1');
  const chinese = Buffer.from('粤省事码', 'utf8');
  return {
    'pos-single': {
      description: 'HID POS, one report: ]Q1 QR code with the report id at byte 0',
      kind: 'hid-pos-scanner',
      report_offset: 1,
      reports: posReports(Buffer.from('YSS1:SHORT'), ']Q1', 's', 1),
      expected: [{ text: 'YSS1:SHORT', aim: ']Q1', symbology: 'qr' }],
    },
    'pos-split-60': {
      description: 'HID POS, a 60-byte code split 56 + 4 with the more-data flag 01 then 00 (Access-IS manual example)',
      kind: 'hid-pos-scanner',
      report_offset: 'auto',
      reports: posReports(sixty, ']Q1', 's', 1),
      expected: [{ text: sixty.toString('latin1'), aim: ']Q1', symbology: 'qr' }],
    },
    'pos-long-4-reports': {
      description: 'HID POS, a 221-byte code over four reports',
      kind: 'hid-pos-scanner',
      report_offset: 'auto',
      reports: posReports(long, ']Q1', 's', 1),
      expected: [{ text: long.toString('latin1'), aim: ']Q1', symbology: 'qr' }],
    },
    'pos-no-report-id': {
      description: 'HID POS as a stack that strips the report id delivers it (63 bytes, length at byte 0)',
      kind: 'hid-pos-scanner',
      report_offset: 'auto',
      reports: posReports(Buffer.from('4006381333931'), ']E0', 'd', 0),
      expected: [{ text: '4006381333931', aim: ']E0', symbology: 'ean13' }],
    },
    'pos-shifted': {
      description: 'HID POS from a device that puts the AIM id one byte later (65 bytes)',
      kind: 'hid-pos-scanner',
      report_offset: 2,
      reports: posReports(Buffer.from(']C1-like code 128'), ']C0', 'j', 2),
      expected: [{ text: ']C1-like code 128', aim: ']C0', symbology: 'code128' }],
    },
    'pos-utf8-chinese': {
      description: 'HID POS carrying UTF-8 Chinese (what wedge mode cannot do)',
      kind: 'hid-pos-scanner',
      report_offset: 'auto',
      reports: posReports(chinese, ']Q1', 's', 1),
      expected: [{ text: '粤省事码', aim: ']Q1', symbology: 'qr' }],
    },
    'kbd-us': {
      description: 'Keyboard wedge, US layout: shift (left and right), punctuation, a double letter, Enter',
      kind: 'hid-keyboard-scanner',
      layout: 'us',
      reports: typed('HC1:6BF-OOK[x]=,;"{a}?', usKey),
      expected: [{ text: 'HC1:6BF-OOK[x]=,;"{a}?' }],
    },
    'kbd-us-rollover': {
      description: 'Keyboard wedge with rollover: the next key goes down before the previous one is released',
      kind: 'hid-keyboard-scanner',
      layout: 'us',
      reports: [
        report(0, [0x04]), // a
        report(0, [0x04, 0x05]), // b while a is still down
        report(0, [0x05]), // a up
        report(0x02, [0x05, 0x06]), // C (shift) while b is down
        report(0, []),
        report(0, [0x1e]), // 1
        report(0, [0x1e, 0x28]), // Enter while 1 is down
        report(0, []),
      ],
      expected: [{ text: 'abC1' }],
    },
    'kbd-report-id': {
      description: 'Keyboard wedge with a report id byte before each boot report (node-hid #228)',
      kind: 'hid-keyboard-scanner',
      layout: 'us',
      reports: typed('ABC-123', usKey, 0x01),
      expected: [{ text: 'ABC-123' }],
    },
    'kbd-two-scans': {
      description: 'Keyboard wedge, two scans back to back',
      kind: 'hid-keyboard-scanner',
      layout: 'us',
      reports: [...typed('first', usKey), ...typed('second', usKey)],
      expected: [{ text: 'first' }, { text: 'second' }],
    },
    'kbd-uk': {
      description: 'Keyboard wedge, scanner set to UK: shift-2 is ", shift-quote is @, a # key of its own',
      kind: 'hid-keyboard-scanner',
      layout: 'uk',
      reports: typed('a"b@c#d£\\', ukKey),
      expected: [{ text: 'a"b@c#d£\\' }],
    },
    'kbd-de': {
      description: 'Keyboard wedge, scanner set to German QWERTZ: y/z swapped, AltGr @',
      kind: 'hid-keyboard-scanner',
      layout: 'de',
      reports: typed('Zyx-_:/@=1', deKey),
      expected: [{ text: 'Zyx-_:/@=1' }],
    },
    'kbd-fr': {
      description: 'Keyboard wedge, scanner set to French AZERTY: a/q, z/w swapped, shifted digits, AltGr @',
      kind: 'hid-keyboard-scanner',
      layout: 'fr',
      reports: typed('AQZWm:/-.@42', frKey),
      expected: [{ text: 'AQZWm:/-.@42' }],
    },
  };
}

export function fixtureDir(): string {
  return join(import.meta.dirname, '..', '..', 'fixtures', 'hid');
}

/** Writes the fixtures, or with check=true returns the names whose file differs. */
export function writeFixtures(check = false): string[] {
  return writeJsonFixtures(fixtureDir(), buildFixtures(), check);
}
