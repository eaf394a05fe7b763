// Generates the serial byte fixtures in fixtures/serial/ from the protocols: a GA 467 card read
// (requests and the reader's replies, checksums computed), a multi-packet Zebra SSI decode, and
// a 3M-framed MRZ. `npm run -s sim -- serial-fixtures [--check]`.
import { join } from 'node:path';
import { cardText, fakePhoto, type SimCard } from './idcard-data.ts';
import { frame } from './idcard.ts';
import { packet } from './ssi.ts';
import { writeJsonFixtures } from './fixture-files.ts';

export interface SerialFixture {
  description: string;
  /** Host-to-device bytes, hex, in order. */
  host: string[];
  /** Device-to-host bytes, hex, in order. */
  device: string[];
  expected: Record<string, unknown>;
}

function request(cmd: number, para: number): string {
  const inner = Buffer.from([0x00, 0x03, cmd, para]);
  let x = 0;
  for (const b of inner) x ^= b;
  return Buffer.concat([Buffer.from([0xaa, 0xaa, 0xaa, 0x96, 0x69]), inner, Buffer.from([x])]).toString('hex');
}

const CARD: SimCard = {
  name: '林小红',
  sex: '2',
  nation: '01',
  birth: '19951020',
  address: '广东省佛山市禅城区祖庙路8号',
  id_number: '440604199510201226',
  authority: '佛山市公安局禅城分局',
  valid_from: '20150601',
  valid_to: '20250601',
};

export function buildSerialFixtures(): Record<string, SerialFixture> {
  const text = cardText(CARD);
  const photo = fakePhoto();
  const readData = Buffer.concat([Buffer.from([0x01, 0x00, 0x04, 0x00]), text, photo]);
  const long = 'YSS1:' + 'Z'.repeat(300);
  const body = Buffer.from(long);
  const ssi = [0, 200].map((at) => packet(0xf3, Buffer.concat([Buffer.from([0x1c]), body.subarray(at, at + 200)]), at === 0 ? 0x02 : 0x00).toString('hex'));
  const td1 = ['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'];
  const m3 = Buffer.from(`OU\x02${td1.map((l) => l.replace(/</g, '_')).join('\r')}\r\x03`, 'latin1');
  let bcc = 0;
  for (const b of m3) bcc ^= b;
  return {
    'ga467-resident-read': {
      description: 'GA 467: SAM status, find (9F), select (90), read text + photo (90, 1295 bytes) for a resident card',
      host: [request(0x11, 0xff), request(0x20, 0x01), request(0x20, 0x02), request(0x30, 0x01)],
      device: [frame(0x90), frame(0x9f, Buffer.alloc(4)), frame(0x90, Buffer.alloc(8)), frame(0x90, readData)].map((b) => b.toString('hex')),
      expected: { id_number: CARD.id_number, name: CARD.name, sex: 'female', birth_date: '1995-10-20', id_number_valid: true, read_reply_bytes: 1295 },
    },
    'ga467-no-card': {
      description: 'GA 467: find with no card answers 80 (find failed)',
      host: [request(0x20, 0x01)],
      device: [frame(0x80).toString('hex')],
      expected: { reason: 'find_failed' },
    },
    'ssi-two-packet-decode': {
      description: 'Zebra SSI: a 305-byte QR decode in two packets, continuation bit on the first',
      host: [],
      device: ssi,
      expected: { text: long, symbology: 'qr' },
    },
    'mrz-3m-td1': {
      description: 'MRZ: a TD1 card in the 3M RTE serial frame with _ for <',
      host: [],
      device: [Buffer.concat([Buffer.from([0x01, m3.length]), m3, Buffer.from([bcc])]).toString('hex')],
      expected: { lines: td1 },
    },
  };
}

export function serialFixtureDir(): string {
  return join(import.meta.dirname, '..', '..', 'fixtures', 'serial');
}

export function writeSerialFixtures(check = false): string[] {
  return writeJsonFixtures(serialFixtureDir(), buildSerialFixtures(), check);
}
