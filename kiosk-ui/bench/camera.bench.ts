// Camera as a scanner: Chromium's fake capture device plays minted YSS1 codes and EU DCC test codes
// at angles 0-45° and three distances; the kiosk page decodes them with zxing-wasm and the daemon
// answers. camera_decode_rate is the share of code scenes decoded in one pass; camera_to_screen is
// from the first presented frame holding a code to its verdict painted (page clock, one clock).
// The floor beside it, measured in the same run: zxing-wasm decoding the same frames in Node,
// upright and near, which no camera pipeline can beat.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import { percentile } from '../../scripts/lib/stats.ts';
import { cameraRun } from '../web/test/camera-run.ts';
import { frame, H, qrImage, W } from '../web/test/camera-video.ts';

const root = join(import.meta.dirname, '..', '..');

async function floorDecodeMs(): Promise<number> {
  // The local wasm, as the kiosk page gets it: never the CDN zxing-wasm would fetch by default.
  const wasm = readFileSync(join(root, 'node_modules', 'zxing-wasm', 'dist', 'reader', 'zxing_reader.wasm'));
  prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer } });
  const times: number[] = [];
  for (let i = 0; i < 40; i++) {
    const y = frame({ text: null, label: 'floor', image: qrImage(`YSS1:FLOOR-${i}-${'X'.repeat(120)}`), size: 0.7, angle: 0, frames: 1 }, i);
    const rgba = new Uint8ClampedArray(W * H * 4);
    for (const [p, v] of y.entries()) {
      rgba.fill(v, p * 4, p * 4 + 3);
      rgba[p * 4 + 3] = 255;
    }
    const t0 = performance.now();
    const r = await readBarcodes({ data: rgba, width: W, height: H, colorSpace: 'srgb' } as ImageData, { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 1 });
    if (i >= 5) times.push(performance.now() - t0);
    if (!r.some((x) => x.isValid)) throw new Error('the floor frame did not decode');
  }
  return percentile(times, 50);
}

export async function run(): Promise<Record<string, number>> {
  const b = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-ui.ts'], { cwd: root, stdio: 'ignore' });
  if (b.status !== 0) throw new Error('kiosk UI build failed');
  const dir = mkdtempSync(join(tmpdir(), 'yss-bench-camera-'));
  try {
    const r = await cameraRun(dir, { angles: [0, 15, 30, 45], sizes: [0.8, 0.55, 0.35], dcc: 6, frames: 8 });
    const codes = r.results;
    const rate = (xs: typeof codes) => (xs.length ? Math.round((xs.filter((x) => x.decoded).length / xs.length) * 1000) / 1000 : 0);
    const lat = codes.map((x) => x.toScreenMs).filter((x): x is number => x !== null && x > 0);
    const floor = await floorDecodeMs();
    const p50 = percentile(lat, 50);
    const out: Record<string, number> = {
      camera_decode_rate: rate(codes),
      camera_to_screen_p50_ms: p50,
      camera_to_screen_p99_ms: percentile(lat, 99),
      camera_decode_floor_node_p50_ms: Math.round(floor * 10) / 10,
      camera_to_screen_vs_floor_p50_ratio: Math.round((p50 / floor) * 10) / 10,
      camera_decode_rate_dcc: rate(codes.filter((x) => x.label.startsWith('dcc'))),
    };
    for (const angle of [0, 15, 30, 45]) out[`camera_decode_rate_angle_${angle}`] = rate(codes.filter((x) => x.label.startsWith('yss') && x.angle === angle));
    for (const size of [0.8, 0.55, 0.35]) out[`camera_decode_rate_size_${String(size).replace('.', '')}`] = rate(codes.filter((x) => x.label.startsWith('yss') && x.size === size));
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
