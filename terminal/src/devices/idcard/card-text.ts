// The 256-byte text block of a GA 467 read, UCS-2LE and space-padded, in four layouts told
// apart by the type flag at byte 248 (Johann356/readinfo PCSCGetData.h; HxPersonInfo):
// resident card (blank), HK/Macau/Taiwan residence permit `J`, foreigner permanent residence
// card `I` (old) and `Y` (2023).
import { NATION, SEX } from './code-tables.ts';
import { isValidIdNumber } from './gb11643.ts';

export type CardType = 'resident' | 'hmt_residence_permit' | 'foreign_permanent_resident' | 'foreign_permanent_resident_2023';

/** One ID card as the daemon and `terminal read idcard` see it. Personal data: never log it. */
export interface IdCard {
  kind: 'idcard';
  card_type: CardType;
  /** Chinese name where the card has one, else null. */
  name: string | null;
  /** English name (foreigner cards), else null. */
  name_en: string | null;
  id_number: string;
  /** GB 11643 check digit result for 18-character numbers; null for the old 15-character foreigner number. */
  id_number_valid: boolean | null;
  sex: 'unknown' | 'male' | 'female' | 'not_stated';
  /** Nation name (resident cards), else null. */
  nation: string | null;
  nation_code: string | null;
  /** ISO 3166 alpha-3 nationality (foreigner cards), `CHN` for resident cards, null for permits. */
  nationality: string | null;
  birth_date: string | null;
  address: string | null;
  /** Addresses written onto the card after issue (the 30 03 record), oldest first; absent when there are none. */
  address_updates?: string[];
  authority: string | null;
  valid_from: string | null;
  /** YYYY-MM-DD, or `长期` (long-term) exactly as the card says. */
  valid_to: string | null;
  /** HMT permit: the travel permit number and how many times the permit was issued. */
  permit_number?: string;
  issue_count?: string;
  /** Foreigner 2023 card: renewal count; old card: card version and authority code. */
  renewal_count?: string;
  card_version?: string;
}

function raw(text: Buffer, offset: number, length: number): string {
  return text.subarray(offset, offset + length).toString('utf16le').replaceAll('\u0000', ' ');
}

function field(text: Buffer, offset: number, length: number): string {
  return raw(text, offset, length).trim();
}

/** `20230115` to `2023-01-15`; `长期` stays; anything else is returned as printed. */
function date(s: string): string | null {
  if (!s) return null;
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : s;
}

const opt = (s: string): string | null => (s === '' ? null : s);

function checkOf(id: string): boolean | null {
  return id.length === 18 ? isValidIdNumber(id) : null;
}

export function cardTypeFlag(text: Buffer): string {
  return field(text, 248, 2);
}

/** Parses the text block; throws only when it is not 256 bytes or the type flag is unknown. */
export function parseCardText(text: Buffer): IdCard {
  if (text.length !== 256) throw new Error(`card text is ${text.length} bytes, expected 256`);
  const flag = cardTypeFlag(text);
  if (flag === '' || flag === 'J') {
    const id = field(text, 122, 36);
    const nationCode = opt(field(text, 32, 4));
    const card: IdCard = {
      kind: 'idcard',
      card_type: flag === 'J' ? 'hmt_residence_permit' : 'resident',
      name: opt(field(text, 0, 30)),
      name_en: null,
      id_number: id,
      id_number_valid: checkOf(id),
      sex: SEX[field(text, 30, 2)] ?? 'unknown',
      nation: nationCode ? (NATION[nationCode] ?? null) : null,
      nation_code: nationCode,
      nationality: flag === 'J' ? null : 'CHN',
      birth_date: date(field(text, 36, 16)),
      address: opt(field(text, 52, 70)),
      authority: opt(field(text, 158, 30)),
      valid_from: date(field(text, 188, 16)),
      valid_to: date(field(text, 204, 16)),
    };
    if (flag === 'J') {
      card.permit_number = field(text, 220, 18);
      card.issue_count = field(text, 238, 4);
    }
    return card;
  }
  if (flag === 'I') {
    const id = field(text, 122, 30);
    return {
      kind: 'idcard',
      card_type: 'foreign_permanent_resident',
      name: opt(field(text, 158, 30)),
      name_en: opt(field(text, 0, 120)),
      id_number: id,
      id_number_valid: checkOf(id),
      sex: SEX[field(text, 120, 2)] ?? 'unknown',
      nation: null,
      nation_code: null,
      nationality: opt(field(text, 152, 6)),
      birth_date: date(field(text, 220, 16)),
      address: null,
      // Old foreigner cards carry an authority code, not a name; the issuer is the NIA.
      authority: opt(field(text, 240, 8)),
      valid_from: date(field(text, 188, 16)),
      valid_to: date(field(text, 204, 16)),
      card_version: field(text, 236, 4),
    };
  }
  if (flag === 'Y') {
    const id = field(text, 122, 36);
    const en = (raw(text, 52, 70) + raw(text, 220, 22)).trim();
    return {
      kind: 'idcard',
      card_type: 'foreign_permanent_resident_2023',
      name: opt(field(text, 0, 30)),
      name_en: opt(en),
      id_number: id,
      id_number_valid: checkOf(id),
      sex: SEX[field(text, 30, 2)] ?? 'unknown',
      nation: null,
      nation_code: null,
      nationality: opt(field(text, 242, 6)),
      birth_date: date(field(text, 36, 16)),
      address: null,
      authority: null,
      valid_from: date(field(text, 188, 16)),
      valid_to: date(field(text, 204, 16)),
      renewal_count: field(text, 32, 4),
    };
  }
  throw new Error(`unknown card type flag ${JSON.stringify(flag)}`);
}
