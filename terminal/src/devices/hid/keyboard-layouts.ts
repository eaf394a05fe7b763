// HID keyboard usages to characters, per keyboard country the scanner emulates. The scanner
// sends the usages a person would press on that layout, so the host must read them with the
// same table (inventree#10589: a US-reading host garbles an AZERTY scanner).
// Each entry: usage -> [plain, shift, altgr?].

export type Layout = 'us' | 'uk' | 'de' | 'fr';
type Table = Record<number, [string, string, string?]>;

function letters(map: (c: string) => string = (c) => c): Table {
  const t: Table = {};
  for (let i = 0; i < 26; i++) {
    const c = map(String.fromCharCode(97 + i));
    t[0x04 + i] = [c, c.toUpperCase()];
  }
  return t;
}

function row(usages: number[], plain: string, shift: string): Table {
  const t: Table = {};
  const p = [...plain];
  const s = [...shift];
  usages.forEach((u, i) => (t[u] = [p[i] ?? '', s[i] ?? '']));
  return t;
}

const DIGITS = [0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27];
const KEYPAD: Table = {
  ...row([0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60, 0x61, 0x62, 0x63], '1234567890.', '1234567890.'),
  ...row([0x54, 0x55, 0x56, 0x57], '/*-+', '/*-+'),
};
const COMMON: Table = { 0x2c: [' ', ' '], 0x2b: ['\t', '\t'], ...KEYPAD };

const US: Table = {
  ...COMMON,
  ...letters(),
  ...row(DIGITS, '1234567890', '!@#$%^&*()'),
  ...row([0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38], "-=[]\\#;'`,./", '_+{}|~:"~<>?'),
};

const UK: Table = {
  ...US,
  ...row(DIGITS, '1234567890', '!"£$%^&*()'),
  0x32: ['#', '~'],
  0x34: ["'", '@'],
  0x35: ['`', '¬'],
  0x64: ['\\', '|'],
};

const DE: Table = {
  ...COMMON,
  ...letters((c) => (c === 'y' ? 'z' : c === 'z' ? 'y' : c)),
  ...row(DIGITS, '1234567890', '!"§$%&/()='),
  ...row([0x2d, 0x2e, 0x2f, 0x30, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x64], 'ß´ü+#öä^,.-<', '?`Ü*\'ÖÄ°;:_>'),
};
DE[0x14] = ['q', 'Q', '@'];
DE[0x24] = ['7', '/', '{'];
DE[0x25] = ['8', '(', '['];
DE[0x26] = ['9', ')', ']'];
DE[0x27] = ['0', '=', '}'];
DE[0x2d] = ['ß', '?', '\\'];
DE[0x30] = ['+', '*', '~'];
DE[0x64] = ['<', '>', '|'];

const FR: Table = {
  ...COMMON,
  ...letters((c) => ({ a: 'q', q: 'a', z: 'w', w: 'z', m: ',' })[c] ?? c),
  ...row(DIGITS, '&é"\'(-è_çà', '1234567890'),
  ...row([0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x36, 0x37, 0x38, 0x64], ')=^$**mù;:!<', '°+¨£µµM%./§>'),
};
FR[0x10] = [',', '?'];
FR[0x1f] = ['é', '2', '~'];
FR[0x20] = ['"', '3', '#'];
FR[0x21] = ["'", '4', '{'];
FR[0x22] = ['(', '5', '['];
FR[0x23] = ['-', '6', '|'];
FR[0x24] = ['è', '7', '`'];
FR[0x25] = ['_', '8', '\\'];
FR[0x26] = ['ç', '9', '^'];
FR[0x27] = ['à', '0', '@'];
FR[0x2d] = [')', '°', ']'];
FR[0x2e] = ['=', '+', '}'];

export const LAYOUTS: Record<Layout, Table> = { us: US, uk: UK, de: DE, fr: FR };

export const ENTER = 0x28;
export const KEYPAD_ENTER = 0x58;
