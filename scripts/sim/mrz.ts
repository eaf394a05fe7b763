// An MRZ reader: sends a document's lines, plain (CR LF after each line) or in the 3M RTE
// serial frame (SOH len "OU" STX flag line CR line CR ... ETX BCC, unused places as `_`).
import { SimPort } from './sim-port.ts';

export class MrzSim {
  private constructor(readonly port: SimPort) {}

  static async open(peer: string, baud = 9600): Promise<MrzSim> {
    return new MrzSim(await SimPort.open(peer, baud));
  }

  send(lines: readonly string[], style: 'plain' | '3m' = 'plain'): Promise<void> {
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

/** ICAO 9303 check digit (weights 7 3 1), written from the standard for the simulator. */
function check(s: string): string {
  return String([...s].reduce((sum, c, i) => sum + (c === '<' ? 0 : /\d/.test(c) ? Number(c) : c.charCodeAt(0) - 55) * [7, 3, 1][i % 3]!, 0) % 10);
}

/** The ICAO specimen passport (TD3) with its check digits, expiring on `expiry` (YYMMDD). */
export function passportLines(expiry = '310415'): string[] {
  const doc = 'L898902C3';
  const birth = '740812';
  const personal = 'ZE184226B<<<<<';
  const l2 = `${doc}${check(doc)}UTO${birth}${check(birth)}F${expiry}${check(expiry)}${personal}${check(personal)}`;
  return ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', l2 + check(l2.slice(0, 10) + l2.slice(13, 20) + l2.slice(21, 43))];
}
