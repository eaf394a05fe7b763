// A GA 467 reader in USB mode: the same simulator as on the pty, behind the mock USB device.
// Replies go up the bulk IN endpoint in pieces of `chunk` bytes, one transfer each, as readers
// that bridge the SAM's UART to USB deliver them; requests come down as OUT transfers.
import { MockUsbDevice, type MockUsbSpec } from '../../terminal/src/devices/index.ts';
import { IdCardSim, type SimLink } from './idcard.ts';

/** Vendor and product id the simulated reader enumerates with (0400:c35a, as udev/99-yss-edge.rules). */
export const USB_IDCARD_SPEC: MockUsbSpec = { vendorId: 0x0400, productId: 0xc35a, serialNumber: 'SIM0001', portPath: '1-1.4' };

export function usbSimLink(device: MockUsbDevice, chunk = 64): SimLink {
  return {
    onData: (l) => device.onOut(l),
    async write(bytes) {
      for (let at = 0; at < bytes.length; at += chunk) device.queueIn({ data: Buffer.from(bytes.subarray(at, at + chunk)) });
    },
    async close() {
      device.onOut(() => {});
    },
  };
}

/** The simulator attached to `device`: answers every OUT transfer the host makes. */
export function openUsbIdCardSim(device: MockUsbDevice, chunk = 64): IdCardSim {
  return new IdCardSim(usbSimLink(device, chunk));
}
