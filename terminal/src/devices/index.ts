// The devices port: createDevice() turns one validated `devices[]` entry into an adapter.
//
// Every adapter is a `Device` (types.ts): call start() once; it opens, and reopens with backoff
// after unplug or errors, until close(). It emits `status` on every health change and `reading`
// for each code, ID card or MRZ. Nothing throws out of start() or out of an event.
//
// Outputs and feedback, for the scenario code:
// - scanners (`role: 'scanner'`, ScannerDevice): `acknowledge(accepted)` plays the configured
//   beep/LED; `trigger(on)` starts/stops a software-triggered read where the model supports it.
// - printers (`role: 'printer'`, PrinterDevice): `print({ title?, number, lines?, qr? })` prints a
//   queue ticket (big number, GB18030 Chinese, QR, cut) and resolves `{ ok, reason }` with reason
//   `offline` | `paper_out` | `write_failed`; it never rejects.
// - relays (`role: 'relay'`, RelayDevice): `pulse(ms?)` closes the contact for ms (default the
//   configured pulse_ms) then opens it; `set(closed)` holds it.
// - pass sensors (`role: 'sensor'`, PassSensorDevice): emit `passage` (at, health) each time
//   someone goes through the gate.
import type pino from 'pino';
import type { DeviceConfig } from './config.ts';
import { Ga467Reader } from './idcard/index.ts';
import { EscPosPrinter } from './escpos/index.ts';
import { HidScanner } from './hid/index.ts';
import { MrzReader } from './mrz/index.ts';
import { SerialRelay } from './relay/index.ts';
import { SerialPassSensor } from './sensor/index.ts';
import { SerialScanner } from './serial-scanner.ts';
import { SsiScanner } from './ssi/index.ts';
import { CameraScanner } from './camera/camera-scanner.ts';
import type { AnyDevice } from './types.ts';
import type { UsbBackend } from './usb/backend.ts';

export type {
  DeviceConfig,
  SerialScannerConfig,
  SsiScannerConfig,
  HidPosScannerConfig,
  HidKeyboardScannerConfig,
  CameraScannerConfig,
  IdCardReaderConfig,
  MrzReaderConfig,
  EscPosPrinterConfig,
  RelayConfig,
  PassSensorConfig,
  Locator,
  BaudRate,
} from './config.ts';
export type { AnyDevice, Device, DeviceOfRole, ReaderDevice, DeviceEvents, DeviceHealth, DeviceRole, DeviceState, Reading, ScannerDevice, PrinterDevice, RelayDevice, PassSensorDevice, Ticket, PrintResult } from './types.ts';
export { deviceRuleProblems } from './validate.ts';
export { DEVICE_SCHEMAS } from './schema.ts';
export { DEVICE_STATES, PRINT_FAILURES, type PrintFailure } from './errors.ts';

export interface DeviceOptions {
  /** The USB edge for USB-linked devices (default: the `usb` package); tests give its mock twin. */
  usbBackend?: () => Promise<UsbBackend>;
  /** The wall clock that stamps readings and state changes, unix ms; the daemon gives its one clock. Default Date.now. */
  now?: () => number;
}

/** Builds the adapter for a config entry that the config schema accepted (config/index.ts). Does not open it. */
export function createDevice(config: DeviceConfig, log: pino.Logger, options: DeviceOptions = {}): AnyDevice {
  const now = options.now ?? Date.now;
  switch (config.kind) {
    case 'serial-scanner':
      return new SerialScanner(config, log, now);
    case 'ga467-reader':
      return new Ga467Reader(config, log, now, { usbBackend: options.usbBackend });
    case 'mrz-reader':
      return new MrzReader(config, log, now);
    case 'escpos-printer':
      return new EscPosPrinter(config, log, now);
    case 'serial-relay':
      return new SerialRelay(config, log, now);
    case 'serial-pass-sensor':
      return new SerialPassSensor(config, log);
    case 'hid-pos-scanner':
    case 'hid-keyboard-scanner':
      return new HidScanner(config, log, undefined, now);
    case 'zebra-ssi-scanner':
      return new SsiScanner(config, log, now);
    case 'camera-scanner':
      return new CameraScanner(config, log, now);
  }
}
export { CameraScanner, MAX_CAMERA_TEXT, type CameraReport } from './camera/camera-scanner.ts';
export { nodeUsbBackend, type UsbBackend, type UsbDeviceHandle, type UsbInterfaceInfo } from './usb/backend.ts';
export { MockUsbBackend, MockUsbDevice, VENDOR_BULK, type InItem, type MockUsbSpec } from './usb/mock-backend.ts';
export { UsbLink, matchesUsb, describeUsbLocator, type UsbLocator } from './usb/usb-link.ts';
export { inventory, UDEV_RULES_FILE, type Inventory, type SerialEntry, type HidEntry, type BackendCheck } from './discovery.ts';
export { udevMonitor, onDeviceArrival, parseUdevLine, type UdevEvent } from './hotplug.ts';
export { DeviceRegistry } from './registry.ts';
export { sensorFrame, SensorFramer, SENSOR_HEAD } from './sensor/index.ts';
