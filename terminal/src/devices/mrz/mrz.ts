// ICAO 9303 machine-readable zones: TD3 (passports, 2 x 44) and TD1 (ID cards, 3 x 30), with
// their check digits (cheminfo/mrz td3Fields.ts, td1Fields.ts, check.ts).

/** Digits are themselves, A-Z are 10-35, `<` is 0; weights 7 3 1; sum mod 10. */
export function checkDigit(s: string): number {
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : 0;
    sum += v * (i % 3 === 0 ? 7 : i % 3 === 1 ? 3 : 1);
  }
  return sum % 10;
}

const checks = (value: string, digit: string): boolean => digit === String(checkDigit(value)) || (digit === '<' && /^<*$/.test(value));

export interface MrzFields {
  format: 'TD1' | 'TD3';
  document_code: string;
  issuing_state: string;
  surname: string;
  given_names: string;
  document_number: string;
  nationality: string;
  /** YYYY-MM-DD; the century is a guess (birth dates are never in the future). */
  birth_date: string | null;
  sex: 'male' | 'female' | 'unspecified';
  expiry_date: string | null;
  optional: string;
  /** Which check digits matched. */
  checks: { document_number: boolean; birth_date: boolean; expiry_date: boolean; optional: boolean; composite: boolean };
  /** Every check digit matched. */
  valid: boolean;
}

const clean = (s: string) => s.replace(/<+$/, '').replace(/</g, ' ').trim();

function names(field: string): { surname: string; given_names: string } {
  const [sur, ...rest] = field.replace(/<+$/, '').split('<<');
  return { surname: clean(sur ?? ''), given_names: clean(rest.join(' ')) };
}

function ymd(s: string, kind: 'birth' | 'expiry', now: Date): string | null {
  if (!/^\d{6}$/.test(s)) return null;
  const yy = Number(s.slice(0, 2));
  const thisYY = now.getUTCFullYear() % 100;
  const century = kind === 'birth' ? (yy > thisYY ? 1900 : 2000) : yy >= 70 ? 1900 : 2000;
  return `${century + yy}-${s.slice(2, 4)}-${s.slice(4, 6)}`;
}

function sex(c: string): MrzFields['sex'] {
  return c === 'M' ? 'male' : c === 'F' ? 'female' : 'unspecified';
}

const LINE = /^[A-Z0-9<]+$/;
const NAMES = /^[A-Z<]+$/;
const DATE = /^[0-9<]{6}$/;

/** Parses 2 lines of 44 or 3 lines of 30; null when the lines are neither. */
export function parseMrz(lines: readonly string[], now: Date = new Date()): MrzFields | null {
  if (!lines.every((l) => LINE.test(l))) return null;
  // Shape checks keep a stray line from another document (or lines out of order) from passing
  // as a zone: names are letters only, dates are digits.
  if (lines.length === 2 && lines.every((l) => l.length === 44)) {
    const [l1 = '', l2 = ''] = lines;
    if (!/^[A-Z]/.test(l1) || !NAMES.test(l1.slice(5)) || !DATE.test(l2.slice(13, 19)) || !DATE.test(l2.slice(21, 27))) return null;
    return td3(l1, l2, now);
  }
  if (lines.length === 3 && lines.every((l) => l.length === 30)) {
    const [l1 = '', l2 = '', l3 = ''] = lines;
    if (!/^[A-Z]/.test(l1) || !DATE.test(l2.slice(0, 6)) || !DATE.test(l2.slice(8, 14)) || !NAMES.test(l3)) return null;
    return td1(l1, l2, l3, now);
  }
  return null;
}

function td3(l1: string, l2: string, now: Date): MrzFields {
  const c = {
    document_number: checks(l2.slice(0, 9), l2.charAt(9)),
    birth_date: checks(l2.slice(13, 19), l2.charAt(19)),
    expiry_date: checks(l2.slice(21, 27), l2.charAt(27)),
    optional: checks(l2.slice(28, 42), l2.charAt(42)),
    composite: checks(l2.slice(0, 10) + l2.slice(13, 20) + l2.slice(21, 43), l2.charAt(43)),
  };
  return {
    format: 'TD3',
    document_code: clean(l1.slice(0, 2)),
    issuing_state: clean(l1.slice(2, 5)),
    ...names(l1.slice(5, 44)),
    document_number: clean(l2.slice(0, 9)),
    nationality: clean(l2.slice(10, 13)),
    birth_date: ymd(l2.slice(13, 19), 'birth', now),
    sex: sex(l2.charAt(20)),
    expiry_date: ymd(l2.slice(21, 27), 'expiry', now),
    optional: clean(l2.slice(28, 42)),
    checks: c,
    valid: Object.values(c).every(Boolean),
  };
}

function td1(l1: string, l2: string, l3: string, now: Date): MrzFields {
  const c = {
    document_number: checks(l1.slice(5, 14), l1.charAt(14)),
    birth_date: checks(l2.slice(0, 6), l2.charAt(6)),
    expiry_date: checks(l2.slice(8, 14), l2.charAt(14)),
    optional: true, // TD1 optional data has no check digit of its own
    composite: checks(l1.slice(5, 30) + l2.slice(0, 7) + l2.slice(8, 15) + l2.slice(18, 29), l2.charAt(29)),
  };
  return {
    format: 'TD1',
    document_code: clean(l1.slice(0, 2)),
    issuing_state: clean(l1.slice(2, 5)),
    ...names(l3),
    document_number: clean(l1.slice(5, 14)),
    nationality: clean(l2.slice(15, 18)),
    birth_date: ymd(l2.slice(0, 6), 'birth', now),
    sex: sex(l2.charAt(7)),
    expiry_date: ymd(l2.slice(8, 14), 'expiry', now),
    optional: clean(l1.slice(15, 30) + l2.slice(18, 29)),
    checks: c,
    valid: Object.values(c).every(Boolean),
  };
}

/**
 * Pulls MRZ lines out of what a reader sent: strips framing bytes (3M's SOH/STX/ETX and BCC,
 * Honeywell's prefix), turns the `_` some readers pad with into `<`, and keeps the lines that
 * are 30 or 44 MRZ characters.
 */
export function mrzLines(text: string): string[] {
  return text
    .split(/[\r\n]+/)
    .map((l) => l.replace(/[^\x20-\x7e]/g, '').replace(/_/g, '<').trim())
    .map((l) => {
      // Framing letters (3M's "OU") can touch the first line, so take the end of the longest run.
      const run = (l.match(/[A-Z0-9<]+/g) ?? []).reduce((a, b) => (b.length >= a.length ? b : a), '');
      return run.length >= 44 ? run.slice(-44) : run.length >= 30 ? run.slice(-30) : '';
    })
    .filter((l) => l.length > 0);
}
