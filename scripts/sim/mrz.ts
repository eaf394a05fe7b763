// An MRZ reader: sends a document's lines, plain (CR LF after each line) or in the 3M RTE
// serial frame (SOH len "OU" STX flag line CR line CR ... ETX BCC, unused places as `_`).
import { SimPort } from './sim-port.ts';

export class MrzSim {
  private constructor(readonly port: SimPort) {}

  static async open(peer: string, baud = 9600): Promise<MrzSim> {
    return new MrzSim(await SimPort.open(peer, baud));
  }

  send(lines: string[], style: 'plain' | '3m' = 'plain'): Promise<void> {
    if (style === 'plain') return this.port.write(lines.map((l) => `${l}\r\n`).join(''));
    const body = Buffer.from(`OU\x02${lines.map((l) => l.replace(/</g, '_')).join('\r')}\r\x03`, 'latin1');
    let bcc = 0;
    for (const b of body) bcc ^= b;
    return this.port.write(Buffer.concat([Buffer.from([0x01, body.length]), body, Buffer.from([bcc])]));
  }

  close(): Promise<void> {
    return this.port.close();
  }
}
