// Zebra/Symbol SSI packet-mode scanners.
export { SsiScanner } from './scanner.ts';
export { encodePacket, checksum, SsiParser, OP, SSI_TYPES, type SsiPacket } from './packet.ts';
