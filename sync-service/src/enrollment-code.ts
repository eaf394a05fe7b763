// Enrollment codes are read off a screen and typed into `terminal reset --enrollment-code <code>`
// or a config file by an installer. They are 120 random bits in Crockford's base32: digits and
// capitals without I, L, O and U, so no code is misread, and none starts with a dash that a
// command line would take for an option (base64url codes did, one time in 64).
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const ENROLLMENT_CODE = /^[0-9A-HJKMNP-TV-Z]{24}$/;

export function enrollmentCode(bytes: Buffer = randomBytes(15)): string {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}
