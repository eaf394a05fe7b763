// Bare signature checks with node:crypto (native code), one per COSE alg. Never throws: any
// error node raises is a rejected signature. No length checks of our own: node:crypto refuses an
// Ed25519 signature that is not 64 bytes and, with 'ieee-p1363', an ES256 one that is not 2 × 32
// (boundaries.test.ts holds it to that).
import { constants, verify, type KeyObject } from 'node:crypto';
import { ALG_EDDSA, ALG_ES256, ALG_PS256 } from './decode.ts';

const PS256_SALT_LENGTH = 32;

export function verifySignature(alg: number, key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    switch (alg) {
      case ALG_EDDSA:
        return verify(null, data, key, signature);
      case ALG_ES256:
        return verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
      case ALG_PS256:
        return verify(
          'sha256',
          data,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: PS256_SALT_LENGTH },
          signature,
        );
      default:
        return false;
    }
  } catch {
    return false;
  }
}
