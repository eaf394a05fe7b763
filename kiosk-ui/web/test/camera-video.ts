// Video for Chromium's fake capture device (--use-file-for-fake-video-capture): Y4M frames made
// from QR codes (minted YSS1 codes, rendered here from the qrcode package's module matrix) and
// from the EU DCC test PNGs (../shared/dcc-testdata, decoded with pngjs), each shown for a while
// at a given angle and size, as a kiosk camera sees a phone held at different distances.
// Every frame carries its scene number in a strip of 8 black/white blocks in the top-left
// corner, so the page can tell when each scene first appears.
import { openSync, writeSync, closeSync } from 'node:fs';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';

export interface Gray {
  w: number;
  h: number;
  /** 0 black .. 255 white, row-major. */
  px: Uint8Array;
}

export interface Scene {
  /** What a decoder should read, or null for an empty scene. */
  text: string | null;
  label: string;
  image: Gray | null;
  /** Width of the code in the frame, as a share of the frame height (distance). */
  size: number;
  /** Rotation in degrees (a phone held at an angle). */
  angle: number;
  frames: number;
}

export const W = 640;
export const H = 480;
export const FPS = 10;
export const MARK_BLOCK = 8;

/** A QR code with a 4-module quiet zone, one pixel per module. */
export function qrImage(text: string): Gray {
  const q = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = q.modules.size;
  const size = n + 8;
  const px = new Uint8Array(size * size).fill(255);
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) if (q.modules.get(y, x)) px[(y + 4) * size + x + 4] = 0;
  return { w: size, h: size, px };
}

/** A PNG (the DCC test data's 2DCODE) as gray levels. */
export function pngImage(png: Buffer): Gray {
  const p = PNG.sync.read(png);
  const px = new Uint8Array(p.width * p.height);
  for (let i = 0; i < px.length; i++) {
    const [r = 0, gr = 0, b = 0, al = 0] = p.data.subarray(i * 4, i * 4 + 4);
    const a = al / 255;
    const g = 0.299 * r + 0.587 * gr + 0.114 * b;
    px[i] = Math.round(g * a + 255 * (1 - a));
  }
  return { w: p.width, h: p.height, px };
}

/** One frame: light grey background, the image scaled and rotated about the centre, the scene marker. */
export function frame(s: Scene, index: number): Uint8Array {
  const y = new Uint8Array(W * H).fill(200);
  const img = s.image;
  if (img) {
    const side = s.size * H;
    const k = img.w / side; // source pixels per frame pixel
    const a = (-s.angle * Math.PI) / 180;
    const cos = Math.cos(a);
    const sin = Math.sin(a);
    for (let fy = 0; fy < H; fy++) {
      for (let fx = 0; fx < W; fx++) {
        const dx = fx - W / 2;
        const dy = fy - H / 2;
        const sx = Math.floor((dx * cos - dy * sin) * k + img.w / 2);
        const sy = Math.floor((dx * sin + dy * cos) * k + img.h / 2);
        if (sx >= 0 && sy >= 0 && sx < img.w && sy < img.h) y[fy * W + fx] = img.px[sy * img.w + sx] ?? 255;
      }
    }
  }
  for (let bit = 0; bit < 8; bit++) {
    const v = (index >> bit) & 1 ? 0 : 255;
    for (let by = 0; by < MARK_BLOCK; by++) for (let bx = 0; bx < MARK_BLOCK; bx++) y[by * W + bit * MARK_BLOCK + bx] = v;
  }
  return y;
}

/** Writes the scenes as a 4:2:0 Y4M file (grey: chroma 128); returns the first frame index of each scene. */
export function writeY4m(file: string, scenes: Scene[]): number[] {
  const fd = openSync(file, 'w');
  const chroma = new Uint8Array((W / 2) * (H / 2)).fill(128);
  const starts: number[] = [];
  let n = 0;
  try {
    writeSync(fd, `YUV4MPEG2 W${W} H${H} F${FPS}:1 Ip A1:1 C420jpeg\n`);
    scenes.forEach((s, i) => {
      starts.push(n);
      const y = frame(s, i);
      for (let f = 0; f < s.frames; f++, n++) {
        writeSync(fd, 'FRAME\n');
        writeSync(fd, y);
        writeSync(fd, chroma);
        writeSync(fd, chroma);
      }
    });
  } finally {
    closeSync(fd);
  }
  return starts;
}
