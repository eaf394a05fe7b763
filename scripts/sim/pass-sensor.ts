// A gate's pass sensor on a USB-serial I/O module: sends `A1 ch state sum` frames
// (docs/hardware.md#pass-sensors) as someone breaks the beam and the beam clears again.
import { sensorFrame } from '../../terminal/src/devices/index.ts';
import { SimPort } from './sim-port.ts';

export class PassSensorSim {
  private constructor(
    readonly port: SimPort,
    readonly channel: number,
  ) {}

  static async open(peer: string, o: { baud?: number; channel?: number } = {}): Promise<PassSensorSim> {
    return new PassSensorSim(await SimPort.open(peer, o.baud ?? 9600), o.channel ?? 1);
  }

  /** Someone walks through: the beam is broken, then clear again. */
  async pass(): Promise<void> {
    await this.port.write(sensorFrame(this.channel, true));
    await this.port.write(sensorFrame(this.channel, false));
  }

  /** The input's state as the module reports it: true while someone is in the passage. */
  state(occupied: boolean, channel = this.channel): Promise<void> {
    return this.port.write(sensorFrame(channel, occupied));
  }

  /** Raw bytes, for line noise and broken frames. */
  raw(bytes: Uint8Array): Promise<void> {
    return this.port.write(bytes);
  }

  close(): Promise<void> {
    return this.port.close();
  }
}
