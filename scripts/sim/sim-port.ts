// The simulator's end of a pty pair: opened with serialport like a device would see its host,
// with everything the host sent kept for assertions.
import { SerialPort } from 'serialport';

export class SimPort {
  readonly received: Buffer[] = [];
  #listeners: ((chunk: Buffer) => void)[] = [];
  private constructor(readonly port: SerialPort) {
    port.on('data', (chunk: Buffer) => {
      this.received.push(chunk);
      for (const l of this.#listeners) l(chunk);
    });
    port.on('error', () => {}); // the host end going away is normal in unplug tests
  }

  static open(path: string, baudRate = 9600): Promise<SimPort> {
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path, baudRate, autoOpen: false });
      port.open((err) => (err ? reject(err) : resolve(new SimPort(port))));
    });
  }

  onData(l: (chunk: Buffer) => void): void {
    this.#listeners.push(l);
  }

  all(): Buffer {
    return Buffer.concat(this.received);
  }

  write(bytes: Uint8Array | string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.port.write(typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes), (err) => {
        if (err) return reject(err);
        this.port.drain((e) => (e ? reject(e) : resolve()));
      });
    });
  }

  close(): Promise<void> {
    if (!this.port.isOpen) return Promise.resolve();
    return new Promise((resolve) => this.port.close(() => resolve()));
  }
}
