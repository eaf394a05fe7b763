// AIM / ISO 15424 symbology identifiers: `]` + code character + modifier, sent before the data
// when the scanner is configured to (jodal/biip symbology.py; NielsLeenheer/BarcodeParser aim.js).

const SYMBOLOGY: Record<string, string> = {
  A: 'code39',
  C: 'code128',
  E: 'ean',
  F: 'codabar',
  G: 'code93',
  I: 'itf',
  L: 'pdf417',
  Q: 'qr',
  d: 'datamatrix',
  e: 'gs1-databar',
  h: 'hanxin',
  z: 'aztec',
  X: 'other',
};

/** Refinements where the modifier changes what the symbology is. */
const MODIFIED: Record<string, string> = {
  ']C1': 'gs1-128',
  ']E0': 'ean13',
  ']E4': 'ean8',
  ']Q0': 'qr-model1',
  ']Q3': 'qr-gs1',
  ']Q4': 'qr-gs1',
  ']d2': 'gs1-datamatrix',
};

export interface AimSplit {
  aim: string | null;
  symbology: string | null;
  text: string;
}

const AIM = /^\][A-Za-z][0-9A-Za-z]/;

/** Splits a leading AIM id from the text; `required` treats a missing one as unknown symbology. */
export function splitAim(text: string): AimSplit {
  if (!AIM.test(text)) return { aim: null, symbology: null, text };
  const aim = text.slice(0, 3);
  return { aim, symbology: symbologyOfAim(aim), text: text.slice(3) };
}

export function symbologyOfAim(aim: string): string {
  return MODIFIED[aim] ?? SYMBOLOGY[aim.charAt(1)] ?? 'unknown';
}

/** Honeywell's vendor code ids (HID POS byte 61, serial "Code ID" prefix). */
const HONEYWELL: Record<string, string> = {
  s: 'qr',
  w: 'datamatrix',
  j: 'code128',
  d: 'ean13',
  D: 'ean8',
  b: 'code39',
  r: 'pdf417',
  H: 'hanxin',
  z: 'aztec',
  e: 'itf',
};

export function symbologyOfHoneywellId(id: string): string | null {
  return HONEYWELL[id] ?? null;
}
