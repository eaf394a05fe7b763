// Regenerates kiosk-ui/web/voice/<lang>/<key>.wav from the catalogs with espeak-ng
// (`apt-get install espeak-ng`), downsampled to 11 025 Hz 8-bit mono to keep the repository small.
// Run after changing a `speak.*` string: npx tsx kiosk-ui/web/voice/generate.ts
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATALOGS, LANGS, type Lang } from '../src/i18n.ts';
import { CLIP_KEYS } from './clips.ts';

const VOICES: Record<Lang, string> = { 'zh-CN': 'cmn', 'zh-HK': 'yue', en: 'en-us' };

/** 22 050 Hz 16-bit PCM (espeak-ng's output) → 11 025 Hz unsigned 8-bit PCM. */
function shrink(wav: Buffer): Buffer {
  const data = wav.indexOf('data', 12, 'ascii');
  const len = wav.readUInt32LE(data + 4);
  const pcm = wav.subarray(data + 8, data + 8 + len);
  const n = Math.floor(pcm.length / 4);
  const out = Buffer.alloc(44 + n);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + n, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(11_025, 24);
  out.writeUInt32LE(11_025, 28);
  out.writeUInt16LE(1, 32);
  out.writeUInt16LE(8, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(n, 40);
  for (let i = 0; i < n; i++) {
    const s = (pcm.readInt16LE(i * 4) + pcm.readInt16LE(i * 4 + 2)) / 2; // average pairs: a crude low-pass
    out[44 + i] = Math.max(0, Math.min(255, Math.round(s / 256) + 128));
  }
  return out;
}

const tmp = join(tmpdir(), `yss-voice-${process.pid}.wav`);
for (const lang of LANGS) {
  const dir = join(import.meta.dirname, lang);
  mkdirSync(dir, { recursive: true });
  for (const key of CLIP_KEYS) {
    execFileSync('espeak-ng', ['-v', VOICES[lang], '-s', '140', '-w', tmp, CATALOGS[lang][key]]);
    writeFileSync(join(dir, `${key}.wav`), shrink(readFileSync(tmp)));
  }
}
rmSync(tmp, { force: true });
console.log(`wrote ${LANGS.length * CLIP_KEYS.length} clips`);
