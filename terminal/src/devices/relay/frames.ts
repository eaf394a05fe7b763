// Relay board command frames. The common CH340 "LCUS" boards take four bytes:
// A0, channel (1-based), state (01 closed / 00 open), and the low byte of the sum of the three.
export function lcusFrame(channel: number, closed: boolean): Buffer {
  const state = closed ? 1 : 0;
  return Buffer.from([0xa0, channel, state, (0xa0 + channel + state) & 0xff]);
}
