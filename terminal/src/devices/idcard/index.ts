// GA 467 ID-card readers: frames, card layouts and the reader adapter.
export { Ga467Reader, parseReadReply } from './reader.ts';
export { parseCardText, type IdCard, type CardType } from './card-text.ts';
export { encodeFrame, encodeRequest, Ga467Parser, xor, CMD, STATUS, statusReason, PREAMBLE, type Ga467Frame } from './ga467-frame.ts';
export { gb11643CheckDigit, isValidIdNumber } from './gb11643.ts';
export { NATION, SEX } from './code-tables.ts';
