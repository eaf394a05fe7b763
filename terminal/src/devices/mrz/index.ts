// ICAO 9303 MRZ: parsing and the serial reader adapter.
export { MrzReader } from './reader.ts';
export { checkDigit, mrzLines, parseMrz, type MrzFields } from './mrz.ts';
