// The accept and refuse tones, computed at build time into 16-bit mono WAV files so the kiosk
// ships its own audio and needs no recording. They differ in pitch direction and rhythm, not
// only in pitch, so they stay distinct for people with high-frequency hearing loss.

export interface Note {
  /** Frequency in Hz; 0 is a rest. */
  hz: number;
  /** Duration in milliseconds. */
  ms: number;
}

export const TONES: Record<'accept' | 'refuse', Note[]> = {
  // Rising two-note chime: "yes".
  accept: [
    { hz: 660, ms: 140 },
    { hz: 990, ms: 260 },
  ],
  // Two low, buzzy pulses: "no".
  refuse: [
    { hz: 260, ms: 220 },
    { hz: 0, ms: 90 },
    { hz: 260, ms: 220 },
  ],
};

const RATE = 16_000;

/** Renders notes as a RIFF/WAVE file (PCM, 16 kHz, mono) with short fades against clicks. */
export function toneWav(notes: Note[]): Buffer {
  const total = notes.reduce((n, x) => n + Math.round((x.ms / 1000) * RATE), 0);
  const buf = Buffer.alloc(44 + total * 2);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + total * 2, 4);
  buf.write('WAVEfmt ', 8, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(RATE, 24);
  buf.writeUInt32LE(RATE * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(total * 2, 40);
  let at = 44;
  for (const note of notes) {
    const n = Math.round((note.ms / 1000) * RATE);
    const fade = Math.min(160, n / 4);
    for (let i = 0; i < n; i++) {
      const env = Math.min(1, i / fade, (n - i) / fade);
      const phase = (2 * Math.PI * note.hz * i) / RATE;
      // A low tone gets a third harmonic so small kiosk speakers can reproduce it.
      const s = note.hz === 0 ? 0 : Math.sin(phase) + (note.hz < 400 ? 0.35 * Math.sin(3 * phase) : 0);
      buf.writeInt16LE(Math.round(s * env * 0.5 * 32767), at);
      at += 2;
    }
  }
  return buf;
}
