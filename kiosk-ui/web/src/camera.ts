// The camera as a scanner, in the renderer: getUserMedia, a viewfinder, and zxing-wasm decoding
// each frame. Only decoded text leaves the page, posted to the daemon's POST /api/camera, which
// turns it into a reading like any scanner's. Frames are drawn to an offscreen canvas, decoded and
// dropped: never sent, never stored. The wasm is served by the daemon beside app.js (the CSP
// allows no other origin, and zxing-wasm's default would fetch it from a CDN). The same code held
// in view is posted once; when nothing decodes for a while, a hint says how to hold the code.
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import { t, type Lang } from './i18n.ts';

/** Decode attempts per second; a kiosk camera gives 15 to 30 frames, zxing takes 10-40 ms on 640 px. */
const DECODE_EVERY_MS = 100;
/** The same text again within this long (renewed while it stays in view) is not posted again. */
const HOLD_MS = 2000;
/** No decode for this long, with the camera open: show the hint. */
const HINT_AFTER_MS = 4000;
/** Frames are scaled to at most this width before decoding. */
const MAX_WIDTH = 960;

export interface CameraStats {
  frames: number;
  decodes: number;
  /** Each post of a decoded text, in order: page clock (timeOrigin + now) of the decode start, and the test video's scene. */
  posts: { text: string; at: number; scene: number | null }[];
  /** Test videos only: when each scene (by its corner marker) was first presented, page clock ms. */
  sceneFirst: Record<number, number>;
}

declare global {
  interface Window {
    yssCamera?: CameraStats;
  }
}

export interface CameraOptions {
  /** Record timings and read the test video's scene marker (benchmarks and tests). */
  bench: boolean;
  base: string;
  lang: () => Lang;
  post: (body: object) => Promise<unknown>;
}

export async function startCamera(o: CameraOptions): Promise<void> {
  prepareZXingModule({ overrides: { locateFile: (path: string) => new URL(path, o.base).href } });
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment', width: { ideal: 1280 } }, audio: false });
  } catch (e) {
    const name = (e as Error).name;
    await o.post({ camera: name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'unavailable', detail: name });
    return;
  }
  const box = document.createElement('figure');
  box.className = 'camera';
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  video.setAttribute('aria-label', t(o.lang(), 'camera.label'));
  const hint = document.createElement('figcaption');
  hint.className = 'camera-hint';
  hint.setAttribute('role', 'status');
  hint.hidden = true;
  box.append(video, hint);
  document.body.append(box);
  await video.play().catch(() => {});
  await o.post({ camera: 'open' });

  const stats: CameraStats = { frames: 0, decodes: 0, posts: [], sceneFirst: {} };
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  if (o.bench) {
    window.yssCamera = stats;
    const strip = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
    const onFrame = (): void => {
      strip.canvas.width = 64;
      strip.canvas.height = 8;
      strip.drawImage(video, 0, 0, 64, 8, 0, 0, 64, 8);
      const scene = sceneMark(strip.getImageData(0, 0, 64, 8), 1);
      if (scene !== null && !(scene in stats.sceneFirst)) stats.sceneFirst[scene] = performance.timeOrigin + performance.now();
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }
  let last: { text: string; at: number } | null = null;
  let lastDecode = performance.now();

  const tick = async (): Promise<void> => {
    if (video.readyState >= 2 && video.videoWidth > 0) {
      const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      const frame = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const seenAt = performance.now();
      const scene = o.bench ? sceneMark(frame, scale) : null;
      stats.frames++;
      const results = await readBarcodes(frame, { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 1 }).catch(() => []);
      const hit = results.find((r) => r.isValid && r.text);
      if (hit) {
        stats.decodes++;
        lastDecode = performance.now();
        hint.hidden = true;
        const held = last !== null && last.text === hit.text && seenAt - last.at < HOLD_MS;
        last = { text: hit.text, at: seenAt };
        if (!held) {
          stats.posts.push({ text: hit.text, at: performance.timeOrigin + seenAt, scene });
          void o.post({ text: hit.text, format: hit.format });
        }
      } else if (performance.now() - lastDecode > HINT_AFTER_MS && hint.hidden) {
        hint.textContent = t(o.lang(), 'camera.hint');
        hint.hidden = false;
      }
    }
    setTimeout(() => void tick(), DECODE_EVERY_MS);
  };
  void tick();
  stream.getVideoTracks()[0]?.addEventListener('ended', () => void o.post({ camera: 'closed', detail: 'the camera stopped' }));
}

/** The test video's scene number: 8 blocks of 8 px in the top-left corner, black = 1; null when absent. */
function sceneMark(img: ImageData, scale: number): number | null {
  let n = 0;
  for (let bit = 0; bit < 8; bit++) {
    const x = Math.floor((bit * 8 + 4) * scale);
    const y = Math.floor(4 * scale);
    const v = img.data[(y * img.width + x) * 4] ?? 255;
    if (v < 70) n |= 1 << bit;
    else if (v < 230) return null;
  }
  return n;
}
