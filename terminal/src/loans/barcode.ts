// Item barcodes as a scanner delivers them, plain text lines: EAN-13 (13 digits, the last a check
// digit: the ISBN-13 on a book's back) and Code 128 (a library's own accession labels, any
// printable ASCII). A line that is neither is answered, never passed to the ILS.

/** Longest item identifier taken, characters (SIP2 AB fields are short; labels are under 20). */
export const ITEM_MAX = 32;

export type ItemBarcode = { ok: true; item: string; symbology: 'ean13' | 'code128' } | { ok: false; why: string };

/** The EAN-13 check digit of the first 12 digits: weights 1,3,1,3… from the left, then to the next ten. */
export function ean13CheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

/** Classifies one scanned line as an item barcode, or says why it is not one. */
export function itemBarcode(text: string): ItemBarcode {
  const t = text.trim();
  if (t === '') return { ok: false, why: 'an empty line' };
  if (/^\d{13}$/.test(t)) {
    const want = ean13CheckDigit(t.slice(0, 12));
    return Number(t[12]) === want ? { ok: true, item: t, symbology: 'ean13' } : { ok: false, why: `EAN-13 ${t}: check digit ${t[12]}, expected ${want}` };
  }
  if ([...t].length > ITEM_MAX) return { ok: false, why: `${[...t].length} characters, at most ${ITEM_MAX} in an item barcode` };
  if (!/^[\x21-\x7e]+$/.test(t)) return { ok: false, why: 'a character Code 128 cannot carry (printable ASCII without spaces only)' };
  if (t.includes('|')) return { ok: false, why: 'a "|" (the SIP2 field separator)' };
  return { ok: true, item: t, symbology: 'code128' };
}
