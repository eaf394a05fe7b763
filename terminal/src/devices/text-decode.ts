// Scanner bytes to text. Chinese venues configure scanners for GBK/GB18030 as often as UTF-8.
import iconv from 'iconv-lite';
import type { TextEncoding } from './config.ts';

export function decodeText(bytes: Uint8Array, encoding: TextEncoding): string {
  if (encoding === 'gb18030') return iconv.decode(Buffer.from(bytes), 'gb18030');
  return Buffer.from(bytes).toString(encoding === 'latin1' ? 'latin1' : 'utf8');
}

/** Config hex text ("16540d") to bytes; validate.ts has already checked it. */
export function hexBytes(hex: string | undefined): Buffer | null {
  return hex ? Buffer.from(hex, 'hex') : null;
}
