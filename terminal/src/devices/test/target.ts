// One contract suite per adapter runs against a Target: the pty simulator always, and a real
// device when an environment variable names it. On the simulator, plug/unplug start and kill
// socat and `act` drives the simulator; on real hardware they ask a person (scan the QR code
// shown, place a card, unplug the cable) and the suite waits for the device to see it.
import { join } from 'node:path';
import QRCode from 'qrcode';
import { openPtyPair, type PtyPair } from '../../../../scripts/sim/index.ts';
import type { MockUsbBackend, MockUsbDevice } from '../usb/mock-backend.ts';
import { tempDir } from './helpers.ts';

export interface Target<S> {
  /** `simulator` or `hardware`. */
  where: 'simulator' | 'hardware';
  /** The path the adapter opens. */
  path: string;
  baud: number | undefined;
  /** How long to wait for something a person has to do. */
  humanMs: number;
  plug(): Promise<void>;
  unplug(): Promise<void>;
  /** Runs `sim` on the simulator, or shows `ask` to the person at the device. */
  act(sim: (s: S) => Promise<void> | void, ask: string): Promise<void>;
  close(): Promise<void>;
}

/** A simulator on a fresh pty pair; `open` attaches the simulator to the peer end. */
export function simulatorTarget<S extends { close(): Promise<void> }>(open: (peer: string) => Promise<S>): Target<S> {
  const dir = tempDir();
  const path = join(dir, 'ttyDevice');
  let pty: PtyPair | null = null;
  let sim: S | null = null;
  return {
    where: 'simulator',
    path,
    baud: undefined,
    humanMs: 5000,
    async plug() {
      pty = await openPtyPair(path, join(dir, 'ttySim'));
      sim = await open(pty.peer);
    },
    async unplug() {
      await sim?.close();
      await pty?.close(); // killing socat is the unplug
      sim = null;
      pty = null;
    },
    async act(run) {
      if (!sim) throw new Error('simulator is unplugged');
      await run(sim);
    },
    async close() {
      await this.unplug();
    },
  };
}

/**
 * A simulator behind the mock USB backend: plug and unplug attach and detach the device (the
 * backend tells the link, as libusb's hot-plug does), and `open` attaches a fresh simulator.
 */
export function usbSimulatorTarget<S extends { close(): Promise<void> }>(backend: MockUsbBackend, device: MockUsbDevice, open: (d: MockUsbDevice) => S): Target<S> {
  let sim: S | null = null;
  return {
    where: 'simulator',
    path: device.portPath,
    baud: undefined,
    humanMs: 5000,
    async plug() {
      sim = open(device);
      backend.plug(device);
    },
    async unplug() {
      backend.unplug(device);
      await sim?.close();
      sim = null;
    },
    async act(run) {
      if (!sim) throw new Error('simulator is unplugged');
      await run(sim);
    },
    async close() {
      await this.unplug();
    },
  };
}

/** A real device named by an environment variable; null when the variable is not set. */
export function hardwareTarget<S>(envVar: string): Target<S> | null {
  const path = process.env[envVar];
  if (!path) return null;
  const say = (s: string) => console.log(`\n>>> ${s}\n`);
  let plugged = false;
  return {
    where: 'hardware',
    path,
    baud: process.env.YSS_TEST_BAUD ? Number(process.env.YSS_TEST_BAUD) : undefined,
    humanMs: 60_000,
    async plug() {
      if (plugged) say(`plug the device back in (${path})`);
      plugged = true;
    },
    async unplug() {
      say(`unplug the device now (${path})`);
    },
    async act(_sim, ask) {
      if (ask) say(ask);
    },
    async close() {},
  };
}

/** A QR code drawn in the terminal, for a person to scan with the real scanner. */
export async function showQr(text: string): Promise<string> {
  return `scan this code:\n${await QRCode.toString(text, { type: 'terminal', small: true })}`;
}

/** The suite title and skip reason for a target that may be absent. */
export function suiteOptions(target: Target<unknown> | null, envVar: string): { skip: string | false } {
  return { skip: target ? false : `set ${envVar}=/dev/tty... to run on real hardware` };
}
