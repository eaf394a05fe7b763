// USB-serial relay boards for gates.
export { SerialRelay } from './relay.ts';
export { lcusFrame } from './frames.ts';
