// Expectations known to be wrong in the test data: the data set's own tests/known_issues.csv,
// plus the ones we can show wrong from the data itself (each with its evidence).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** known_issues.csv test names → the EXPECTED flag each one covers. */
const TEST_FLAGS: Record<string, string[]> = {
  test_cose_schema: ['SCHEMAVALIDATION'],
  test_cose_json: ['DECODE', 'VALIDJSON'],
  test_cbor_json: ['DECODE', 'VALIDJSON'],
  test_verification_check: ['VERIFY'],
  test_expiration_check: ['EXPIRATIONCHECK'],
  test_expected_key_usage: ['KEYUSAGE'],
};

export interface KnownIssue {
  /** Folder of the case relative to the data root, as its first path segment (country). */
  country: string;
  /** Case name (file name without .json); empty means every case of the country. */
  set: string;
  flag: string;
  why: string;
  /** Exact case path relative to the data root, for issues that name one file. */
  path?: string;
}

const PL_NAMES =
  'the JSON field names another person (Akdi Omar / "ik ben ben") than the signed CBOR and COSE payload ' +
  '(Rogaliński-Król Stanisław); the signature verifies over the CBOR, so the JSON is what is wrong';

/** Found here, not in known_issues.csv; the evidence is in each `why` and in docs/verification.md. */
export const OWN_KNOWN: KnownIssue[] = [
  { country: 'PL', set: '1', path: 'PL/1.3.0/2DCode/raw/1.json', flag: 'DECODE', why: PL_NAMES },
  { country: 'PL', set: '1', path: 'PL/1.3.0/2DCode/raw/1.json', flag: 'VALIDJSON', why: PL_NAMES },
  { country: 'PL', set: '5', path: 'PL/1.3.0/2DCode/raw/5.json', flag: 'DECODE', why: PL_NAMES },
  { country: 'PL', set: '5', path: 'PL/1.3.0/2DCode/raw/5.json', flag: 'VALIDJSON', why: PL_NAMES },
];

export function loadKnown(dir: string): KnownIssue[] {
  const out: KnownIssue[] = [...OWN_KNOWN];
  const csv = join(dir, 'tests', 'known_issues.csv');
  if (!existsSync(csv)) return out;
  for (const line of readFileSync(csv, 'utf8').split(/\r?\n/).slice(1)) {
    if (!line.trim()) continue;
    const [test = '', country = '', set = '', why = ''] = line.split(',');
    for (const flag of TEST_FLAGS[test] ?? []) out.push({ country, set, flag, why: `known_issues.csv ${test}: ${why}` });
  }
  return out;
}

/** The known issue covering (case, flag), if any. `rel` is like `ES/2DCode/raw/401.json`. */
export function findKnown(known: readonly KnownIssue[], rel: string, flag: string): KnownIssue | undefined {
  const parts = rel.split('/');
  const country = parts[0]!.replace(/\.json$/, '');
  const name = parts[parts.length - 1]!.replace(/\.json$/, '');
  return known.find(
    (k) =>
      k.flag === flag &&
      (k.path !== undefined ? k.path === rel : true) &&
      k.country.toUpperCase() === country.toUpperCase() && (k.set === '' || k.set === name || rel.includes(`/${k.set}/`)),
  );
}
