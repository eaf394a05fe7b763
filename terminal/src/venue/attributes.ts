// Every input as one set of holder attributes with the same names (docs/config.md "Attributes by
// input"), so that a venue's requirements and records name fields once, whatever was shown.
import type { YssClaims } from '../codes/index.ts';
import type { Attribute } from './types.ts';

export type Attributes = Partial<Record<Attribute, string>>;

const DOC_TYPE_OF_CARD: Record<string, string> = {
  resident: 'CN-RIC',
  hmt_residence_permit: 'CN-HMTRP',
  foreign_permanent_resident: 'CN-FPRIC',
  foreign_permanent_resident_2023: 'CN-FPRIC',
};
const SEX: Record<string, string> = { male: 'M', female: 'F', M: 'M', F: 'F' };

/** `table[key]` for the table's own keys only: `constructor` or `toString` read from a code or a card is no value. */
const own = (table: Record<string, string>, key: unknown): string | undefined => (typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

function clean(a: Record<string, string | undefined>): Attributes {
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as Attributes;
}

/** Attributes a valid YSS1 code discloses: its subject, its credential, and the holder's scope. */
export function codeAttributes(claims: YssClaims): Attributes {
  const s = claims.subject ?? {};
  const c = claims.credential ?? {};
  const scope = claims.scope ?? [];
  return clean({
    name: str(s.name),
    doc_type: str(s.doc_type),
    doc_no: str(s.doc_no),
    birth_date: str(s.birth_date),
    sex: own(SEX, s.sex),
    nationality: str(s.nationality),
    credential_type: str(c.type),
    credential_no: str(c.no),
    holder: str(c.holder),
    issuer_name: str(c.issuer_name),
    valid_from: str(c.valid_from),
    valid_until: str(c.valid_until),
    scope: scope.length ? scope.join(',') : undefined,
  });
}

/** Attributes of an ID card read (terminal/src/devices/idcard). The photo is never among them. */
export function cardAttributes(card: Record<string, unknown>): Attributes {
  return clean({
    name: str(card.name) ?? str(card.name_en),
    doc_type: own(DOC_TYPE_OF_CARD, card.card_type),
    doc_no: str(card.id_number),
    birth_date: str(card.birth_date),
    sex: own(SEX, card.sex),
    nationality: str(card.nationality),
    address: str(card.address),
    ethnicity: str(card.nation),
    authority: str(card.authority),
    valid_from: str(card.valid_from),
    valid_until: str(card.valid_to),
  });
}

/** Attributes of an MRZ (terminal/src/devices/mrz). */
export function mrzAttributes(f: Record<string, unknown>): Attributes {
  const code = String(f.document_code ?? '');
  const name = [str(f.surname), str(f.given_names)].filter(Boolean).join(' ');
  return clean({
    name: name || undefined,
    doc_type: code.startsWith('P') ? 'PASSPORT' : code ? `MRZ-${code}` : undefined,
    doc_no: str(f.document_number),
    birth_date: str(f.birth_date),
    sex: own(SEX, f.sex),
    nationality: str(f.nationality),
    authority: str(f.issuing_state),
    valid_until: str(f.expiry_date),
  });
}
