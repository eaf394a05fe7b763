// Builds the 256-byte GA 467 text block for a card, from the published layouts (one table per
// card type: [offset, bytes, field]), independently of the terminal's parser so the tests
// compare two readings of the specification rather than one function with itself.

export interface SimCard {
  /** '' resident (default), 'J' HK/Macau/Taiwan permit, 'I' old foreigner card, 'Y' 2023 foreigner card. */
  type?: '' | 'J' | 'I' | 'Y';
  name?: string;
  name_en?: string;
  /** '1' male, '2' female. */
  sex?: string;
  /** '01'..'56'. */
  nation?: string;
  /** YYYYMMDD. */
  birth?: string;
  address?: string;
  /** Addresses written onto the card after issue, answered to 30 03 (none: 91, item not on card). */
  address_updates?: string[];
  id_number: string;
  authority?: string;
  valid_from?: string;
  /** YYYYMMDD or 长期. */
  valid_to?: string;
  permit_number?: string;
  issue_count?: string;
  nationality?: string;
  renewal_count?: string;
  version?: string;
  authority_code?: string;
}

type Layout = [offset: number, bytes: number, value: (c: SimCard) => string][];

const RESIDENT: Layout = [
  [0, 30, (c) => c.name ?? ''],
  [30, 2, (c) => c.sex ?? '1'],
  [32, 4, (c) => c.nation ?? ''],
  [36, 16, (c) => c.birth ?? ''],
  [52, 70, (c) => c.address ?? ''],
  [122, 36, (c) => c.id_number],
  [158, 30, (c) => c.authority ?? ''],
  [188, 16, (c) => c.valid_from ?? ''],
  [204, 16, (c) => c.valid_to ?? ''],
];

const LAYOUTS: Record<string, Layout> = {
  '': RESIDENT,
  J: [...RESIDENT, [220, 18, (c) => c.permit_number ?? ''], [238, 4, (c) => c.issue_count ?? '01'], [248, 2, () => 'J']],
  I: [
    [0, 120, (c) => c.name_en ?? ''],
    [120, 2, (c) => c.sex ?? '1'],
    [122, 30, (c) => c.id_number],
    [152, 6, (c) => c.nationality ?? ''],
    [158, 30, (c) => c.name ?? ''],
    [188, 16, (c) => c.valid_from ?? ''],
    [204, 16, (c) => c.valid_to ?? ''],
    [220, 16, (c) => c.birth ?? ''],
    [236, 4, (c) => c.version ?? '01'],
    [240, 8, (c) => c.authority_code ?? '1500'],
    [248, 2, () => 'I'],
  ],
  Y: [
    [0, 30, (c) => c.name ?? ''],
    [30, 2, (c) => c.sex ?? '1'],
    [32, 4, (c) => c.renewal_count ?? '00'],
    [36, 16, (c) => c.birth ?? ''],
    // The English name runs on from 52 (35 characters) into 220 (11 more).
    [52, 70, (c) => (c.name_en ?? '').slice(0, 35)],
    [122, 36, (c) => c.id_number],
    [188, 16, (c) => c.valid_from ?? ''],
    [204, 16, (c) => c.valid_to ?? ''],
    [220, 22, (c) => (c.name_en ?? '').slice(35)],
    [242, 6, (c) => c.nationality ?? ''],
    [248, 2, () => 'Y'],
  ],
};

export function cardText(card: SimCard): Buffer {
  const text = Buffer.from(' '.repeat(128), 'utf16le');
  for (const [offset, bytes, value] of LAYOUTS[card.type ?? ''] ?? []) {
    const v = Buffer.from(value(card), 'utf16le');
    if (v.length > bytes) throw new Error(`field at ${offset} is ${v.length} bytes, room for ${bytes}`);
    v.copy(text, offset);
  }
  return text;
}

/** The 30 03 reply body: one 70-byte UCS-2LE record per appended address, space-padded. */
export function addressRecords(card: SimCard): Buffer {
  return Buffer.concat(
    (card.address_updates ?? []).map((a) => {
      const rec = Buffer.from(' '.repeat(35), 'utf16le');
      const v = Buffer.from(a, 'utf16le');
      if (v.length > rec.length) throw new Error(`appended address is ${v.length} bytes, room for ${rec.length}`);
      v.copy(rec);
      return rec;
    }),
  );
}

/** A stand-in for the WLT photo: 1024 bytes that are recognisable in a hex dump and in a log. */
export function fakePhoto(): Buffer {
  const p = Buffer.alloc(1024);
  Buffer.from('WLTPHOTO-OPAQUE').copy(p);
  for (let i = 16; i < p.length; i++) p[i] = (i * 7) & 0xff;
  return p;
}
