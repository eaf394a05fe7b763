// ESC/POS ticket printers.
export { EscPosPrinter } from './printer.ts';
export { ticketBytes, qr, cmd, text, wrap, parseStatus, type PrinterStatus } from './encode.ts';
