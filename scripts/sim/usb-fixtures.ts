// Generates the USB transfer fixtures in fixtures/usb/ from the GA 467 protocol: for each OUT
// transfer the host is expected to make, the IN transfers the reader completes in answer, byte
// for byte (frames split across transfers at awkward places), and the faults a USB link has:
// an endpoint stall, transfers that time out, the device vanishing mid-reply.
// `npm run -s sim -- usb-fixtures [--check]`.
import { join } from 'node:path';
import { addressRecords, cardText, fakePhoto, type SimCard } from './idcard-data.ts';
import { frame } from './idcard.ts';
import { writeJsonFixtures } from './fixture-files.ts';

/** One IN transfer: data (hex), a stall, a timeout, or the device gone. */
export type UsbInFixture = { in: string } | { stall: true } | { timeout: true } | { unplug: true };

export interface UsbFixture {
  description: string;
  exchanges: {
    /** The OUT transfer the host must make, hex. */
    out: string;
    /** The IN transfers that complete after it, in order. */
    in: UsbInFixture[];
  }[];
  expected: Record<string, unknown>;
}

function request(cmd: number, para: number): string {
  const inner = Buffer.from([0x00, 0x03, cmd, para]);
  let x = 0;
  for (const b of inner) x ^= b;
  return Buffer.concat([Buffer.from([0xaa, 0xaa, 0xaa, 0x96, 0x69]), inner, Buffer.from([x])]).toString('hex');
}

const SAM = request(0x11, 0xff);
const FIND = request(0x20, 0x01);
const SELECT = request(0x20, 0x02);
const READ = request(0x30, 0x01);
const ADDRESS = request(0x30, 0x03);

/** Cuts `b` at the given offsets, one IN transfer per piece. */
function cut(b: Buffer, at: number[]): UsbInFixture[] {
  const edges = [0, ...at.filter((n) => n > 0 && n < b.length), b.length];
  return edges.slice(1).map((end, i) => ({ in: b.subarray(edges[i], end).toString('hex') }));
}

/** 64-byte packets, one transfer each: a UART-bridging reader streaming a reply. */
const packets = (b: Buffer): UsbInFixture[] => cut(b, Array.from({ length: Math.ceil(b.length / 64) }, (_, i) => i * 64));

function readReply(card: SimCard): Buffer {
  const text = cardText(card);
  const photo = fakePhoto();
  return frame(0x90, Buffer.concat([Buffer.from([text.length >> 8, text.length & 0xff, photo.length >> 8, photo.length & 0xff]), text, photo]));
}

const RESIDENT: SimCard = {
  name: '陈大文',
  sex: '1',
  nation: '01',
  birth: '19880416',
  address: '广东省深圳市福田区深南大道1号',
  id_number: '440304198804161230',
  authority: '深圳市公安局福田分局',
  valid_from: '20180101',
  valid_to: '20380101',
  address_updates: ['广东省深圳市南山区科技园南路2号'],
};

const HMT: SimCard = {
  type: 'J',
  name: '李嘉欣',
  sex: '2',
  birth: '19920101',
  address: '香港特别行政区',
  id_number: '810000199201010021',
  authority: '广东省公安厅',
  valid_from: '20230101',
  valid_to: '20280101',
  permit_number: 'H60123456',
  issue_count: '02',
};

const FOREIGNER_2023: SimCard = {
  type: 'Y',
  name: '安娜',
  name_en: 'ERIKSSON ANNA MARIA',
  sex: '2',
  birth: '19740812',
  id_number: '975156197408120022',
  valid_from: '20230501',
  valid_to: '20330501',
  nationality: 'SWE',
  renewal_count: '00',
};

const opening = [
  { out: SAM, in: [{ in: frame(0x90).toString('hex') }] },
  { out: FIND, in: [{ in: frame(0x9f, Buffer.alloc(4)).toString('hex') }] },
  { out: SELECT, in: [{ in: frame(0x90, Buffer.alloc(8)).toString('hex') }] },
];

export function buildUsbFixtures(): Record<string, UsbFixture> {
  const resident = readReply(RESIDENT);
  return {
    'ga467-usb-read-split': {
      description:
        'GA 467 over USB bulk: SAM, find, select, then the 1295-byte read reply in transfers cut inside the preamble, inside LEN and one byte before CHK; then the appended address (30 03)',
      exchanges: [
        ...opening,
        { out: READ, in: cut(resident, [3, 6, 64, 700, resident.length - 1]) },
        { out: ADDRESS, in: [{ in: frame(0x90, addressRecords(RESIDENT)).toString('hex') }] },
      ],
      expected: {
        card_type: 'resident',
        name: RESIDENT.name,
        id_number: RESIDENT.id_number,
        id_number_valid: true,
        birth_date: '1988-04-16',
        address_updates: RESIDENT.address_updates,
      },
    },
    'ga467-usb-stall': {
      description: 'GA 467 over USB bulk: the IN endpoint stalls once before the read reply; the host clears the halt and the reply follows in 64-byte packets',
      exchanges: [...opening, { out: READ, in: [{ stall: true }, ...packets(resident)] }, { out: ADDRESS, in: [{ in: frame(0x91).toString('hex') }] }],
      expected: { card_type: 'resident', id_number: RESIDENT.id_number, address_updates: null, halts_cleared: 1 },
    },
    'ga467-usb-timeout': {
      description:
        'GA 467 over USB bulk: the read reply never comes (every IN transfer times out); the host gives up on the request and the next poll finds the card again and reads it',
      exchanges: [
        ...opening,
        { out: READ, in: [{ timeout: true }, { timeout: true }, { timeout: true }] },
        ...opening.slice(1),
        { out: READ, in: packets(resident) },
        { out: ADDRESS, in: [{ in: frame(0x91).toString('hex') }] },
      ],
      expected: { card_type: 'resident', id_number: RESIDENT.id_number, requests_timed_out: 1 },
    },
    'ga467-usb-unplug-mid-read': {
      description: 'GA 467 over USB bulk: the reader is unplugged after 640 bytes of the read reply; no card is delivered and the half frame is not kept',
      exchanges: [...opening, { out: READ, in: [...packets(resident.subarray(0, 640)), { unplug: true }] }],
      expected: { state: 'disconnected', cards: 0 },
    },
    'ga467-usb-hmt-permit': {
      description: 'GA 467 over USB bulk: a Hong Kong/Macau/Taiwan residence permit (type J), no appended address (91)',
      exchanges: [...opening, { out: READ, in: packets(readReply(HMT)) }, { out: ADDRESS, in: [{ in: frame(0x91).toString('hex') }] }],
      expected: { card_type: 'hmt_residence_permit', name: HMT.name, id_number: HMT.id_number, permit_number: HMT.permit_number, issue_count: HMT.issue_count },
    },
    'ga467-usb-foreigner-2023': {
      description: 'GA 467 over USB bulk: a 2023 foreigner permanent residence card (type Y); the reader does not know 30 03 (21, bad command)',
      exchanges: [...opening, { out: READ, in: packets(readReply(FOREIGNER_2023)) }, { out: ADDRESS, in: [{ in: frame(0x21).toString('hex') }] }],
      expected: {
        card_type: 'foreign_permanent_resident_2023',
        name: FOREIGNER_2023.name,
        name_en: FOREIGNER_2023.name_en,
        nationality: 'SWE',
        id_number: FOREIGNER_2023.id_number,
        renewal_count: '00',
      },
    },
  };
}

export function usbFixtureDir(): string {
  return join(import.meta.dirname, '..', '..', 'fixtures', 'usb');
}

export function writeUsbFixtures(check = false): string[] {
  return writeJsonFixtures(usbFixtureDir(), buildUsbFixtures(), check);
}
