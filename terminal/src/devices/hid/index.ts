// USB HID scanners (POS and keyboard-wedge) and the HID backend.
export { HidScanner, matchesHid } from './hid-scanner.ts';
export { nodeHidBackend, MissingBackendError, type HidBackend, type HidHandle, type HidInfo } from './backend.ts';
export { PosAssembler, detectOffset, type PosScan, type ReportOffset } from './pos-report.ts';
export { KeyboardDecoder } from './keyboard-report.ts';
export { LAYOUTS, type Layout } from './keyboard-layouts.ts';
