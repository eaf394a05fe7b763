// The camera as a scanner, end to end in Debian's Chromium: a fake capture device plays minted
// YSS1 codes and EU DCC test codes, upright and at angles, near and far; the kiosk page decodes
// them with zxing-wasm (served by the daemon, nothing fetched elsewhere), posts only the text, and
// the verdicts come back on screen. The bench (kiosk-ui/bench/camera.bench.ts) measures rates
// and latencies; this test checks what must hold.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { cameraRun } from './camera-run.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

test('a camera reads codes in the kiosk page, and only their text reaches the daemon', async () => {
  const dir = tempDir('yss-camera-');
  try {
    // 2 s per code: on a loaded machine the decoder may fall behind; the bench measures speed.
    const run = await cameraRun(dir, { angles: [0, 20], sizes: [0.7], dcc: 2, frames: 20 });
    assert.deepEqual(run.foreign, [], 'no request leaves the daemon (the wasm is served locally)');
    assert.ok(run.hintShown, 'the hint shows while nothing decodes');
    const upright = run.results.filter((r) => r.angle === 0);
    assert.ok(upright.length > 0 && upright.every((r) => r.decoded), JSON.stringify(run.results));
    const yss = run.results.filter((r) => r.label.startsWith('yss') && r.decoded);
    assert.ok(run.verdicts.filter((a) => a).length >= yss.length, `each decoded YSS1 code is accepted: ${JSON.stringify(run.reasons)}`);
    assert.ok(run.results.some((r) => r.decoded && r.toScreenMs !== null && r.toScreenMs > 0), 'a verdict painted after its code appeared');
    // Only decoded text was posted: small JSON bodies with a text or a camera state, never pixels.
    for (const body of run.posts) {
      const b = JSON.parse(body) as Record<string, unknown>;
      assert.ok(body.length < 8192, 'no frame data');
      assert.ok(typeof b.text === 'string' || typeof b.camera === 'string', body.slice(0, 80));
    }
    // The same code held in view for 2 s is posted once.
    const texts = run.posts.map((p) => (JSON.parse(p) as { text?: string }).text).filter(Boolean);
    assert.equal(new Set(texts).size, texts.length, 'no code posted twice in one pass');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
