// Pass-sensor frames (docs/hardware.md#pass-sensors): the sensor's I/O module sends four bytes
// whenever an input changes, `A1 ch state sum`: A1, the input (1-based), 01 when the beam is
// broken or the turnstile arm turns (someone is in the passage) and 00 when it is clear again, and
// the low byte of the sum of the three. Bytes before an A1 and frames whose sum is wrong are
// dropped, so a stray byte costs at most one frame.
export const SENSOR_HEAD = 0xa1;

export interface SensorFrame {
  channel: number;
  /** True: someone is in the passage (beam broken, arm turning). */
  occupied: boolean;
}

export function sensorFrame(channel: number, occupied: boolean): Buffer {
  const state = occupied ? 1 : 0;
  return Buffer.from([SENSOR_HEAD, channel, state, (SENSOR_HEAD + channel + state) & 0xff]);
}

/** Cuts frames out of a byte stream; keeps what an unfinished frame has so far. */
export class SensorFramer {
  #buf: Buffer = Buffer.alloc(0);

  /** The frames `chunk` completes, and the bytes dropped (hex) as not part of a valid frame. */
  push(chunk: Buffer): { frames: SensorFrame[]; dropped: string[] } {
    this.#buf = Buffer.concat([this.#buf, chunk]);
    const frames: SensorFrame[] = [];
    const dropped: string[] = [];
    for (;;) {
      const at = this.#buf.indexOf(SENSOR_HEAD);
      if (at < 0) {
        if (this.#buf.length) dropped.push(this.#buf.toString('hex'));
        this.#buf = Buffer.alloc(0);
        break;
      }
      if (at > 0) dropped.push(this.#buf.subarray(0, at).toString('hex'));
      this.#buf = this.#buf.subarray(at);
      if (this.#buf.length < 4) break;
      const [, channel = 0, state = 0, sum = 0] = this.#buf;
      if (((SENSOR_HEAD + channel + state) & 0xff) !== sum || state > 1 || channel < 1 || channel > 8) {
        // Not a frame: resynchronise on the next A1 after this one.
        dropped.push(this.#buf.subarray(0, 1).toString('hex'));
        this.#buf = this.#buf.subarray(1);
        continue;
      }
      frames.push({ channel, occupied: state === 1 });
      this.#buf = this.#buf.subarray(4);
    }
    return { frames, dropped };
  }

  reset(): void {
    this.#buf = Buffer.alloc(0);
  }
}
