// Public surface of loans/: library loans and returns (docs/library.md): item barcodes, the SIP2
// client of the library system, the queue of loans waiting for it, and the desk that runs them.
export { itemBarcode, ean13CheckDigit, ITEM_MAX, type ItemBarcode } from './barcode.ts';
export { sip2Checksum, sip2Frame, sip2Date, parseReply, request as sip2Request, reply as sip2Reply, SIP2_MAX_LINE } from './sip2.ts';
export { Sip2Client, Sip2Error, type Sip2ClientOptions } from './sip2-client.ts';
export { LoanOutbox, type QueuedLoan } from './outbox.ts';
export { LoanDesk, owedText, type LoanDeskDeps, type RenewOutcome } from './desk.ts';
