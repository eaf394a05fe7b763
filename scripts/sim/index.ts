// The device simulators, for tests and for `npm run sim`.
export { SimPort } from './sim-port.ts';
export { ScannerSim, type ScanOptions } from './scanner.ts';
export { openPtyPair, type PtyPair } from '../lib/pty.ts';
export { IdCardSim, type SimLink } from './idcard.ts';
export { openUsbIdCardSim, usbSimLink, USB_IDCARD_SPEC } from './usb-idcard.ts';
export { addressRecords, cardText, fakePhoto, type SimCard } from './idcard-data.ts';
export { MrzSim, passportLines } from './mrz.ts';
export { PrinterSim } from './printer.ts';
export { decodeEscPos, renderText, type Decoded, type PrintedLine } from './escpos-decode.ts';
export { RelaySim, type RelayEvent } from './relay.ts';
export { SsiSim } from './ssi.ts';
export { buildUsbFixtures, usbFixtureDir, writeUsbFixtures, type UsbFixture, type UsbInFixture } from './usb-fixtures.ts';
export { buildSerialFixtures, serialFixtureDir, writeSerialFixtures, type SerialFixture } from './serial-fixtures.ts';
export { fixtureDir, writeFixtures, buildFixtures, type HidFixture } from './hid-fixtures.ts';
export { Sip2Server, type Sip2Fault, type Sip2Seen, type Sip2ServerOptions, type SimItem } from './sip2-server.ts';
export { PassSensorSim } from './pass-sensor.ts';
