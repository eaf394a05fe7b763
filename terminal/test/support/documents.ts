// Documents the hotel tests present: a TD3 passport zone with an expiry the test chooses, and two
// resident cards, with dates taken from the clock so the tests hold on any day. The ICAO 9303
// check digit is written here from the standard, independently of the reader's.

/** ICAO 9303 check digit: digits are themselves, A-Z 10-35, `<` 0; weights 7 3 1. */
export function icaoCheck(s: string): string {
  const value = (c: string) => (c === '<' ? 0 : /\d/.test(c) ? Number(c) : c.charCodeAt(0) - 55);
  return String([...s].reduce((sum, c, i) => sum + value(c) * (i % 3 === 0 ? 7 : i % 3 === 1 ? 3 : 1), 0) % 10);
}

/** ICAO's specimen passport (Anna Maria Eriksson, Utopia) expiring on `expiry` (YYMMDD). */
export function passportZone(expiry: string): string[] {
  const doc = 'L898902C3';
  const birth = '740812';
  const personal = 'ZE184226B<<<<<';
  const l2 = `${doc}${icaoCheck(doc)}UTO${birth}${icaoCheck(birth)}F${expiry}${icaoCheck(expiry)}${personal}${icaoCheck(personal)}`;
  const composite = icaoCheck(l2.slice(0, 10) + l2.slice(13, 20) + l2.slice(21, 43));
  return ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', l2 + composite];
}

/** A date `years` from the clock's today: YYMMDD for an MRZ, YYYYMMDD (`long`) for a card. */
export function dateIn(years: number, long = false): string {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() + years);
  const s = d.toISOString().slice(0, 10).replaceAll('-', '');
  return long ? s : s.slice(2);
}

/** Two resident cards, as the ID-card simulator takes them (valid_to is the test's to choose). */
export const HIM = { name: '陈大文', sex: '1', nation: '01', birth: '19900101', address: '广州市天河区', id_number: '11010519491231002X', authority: '广州市公安局', valid_from: '20200101' };
export const HER = { name: '李小红', sex: '2', nation: '01', birth: '19920202', address: '广州市天河区', id_number: '110101199003077619', authority: '广州市公安局', valid_from: '20200101' };
