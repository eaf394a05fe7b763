// The check digit of an 18-character citizen ID number (GB 11643, ISO 7064 MOD 11-2).
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** The check character for the first 17 digits, or null when they are not 17 digits. */
export function gb11643CheckDigit(first17: string): string | null {
  if (!/^\d{17}$/.test(first17)) return null;
  let sum = 0;
  WEIGHTS.forEach((w, i) => (sum += Number(first17.charAt(i)) * w));
  return CHECK.charAt(sum % 11);
}

export function isValidIdNumber(id: string): boolean {
  if (id.length !== 18) return false;
  return gb11643CheckDigit(id.slice(0, 17)) === id.charAt(17).toUpperCase();
}
