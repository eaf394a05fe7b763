// One camera-scanner run, shared by the test and the bench: a real stack whose terminal has a
// camera-scanner, Debian's Chromium with a fake capture device playing a Y4M made of minted YSS1
// codes and EU DCC test codes at several angles and sizes, and the kiosk page decoding it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Request } from 'playwright-core';
import { mintCode } from '../../../scripts/issuer/mint.ts';
import { EventFeed, Stack } from '../../../scripts/lib/stack.ts';
import { browserEnv, CHROMIUM_ARGS } from './browser.ts';
import { freePort } from './real-stack.ts';
import { pngImage, qrImage, writeY4m, FPS, type Scene } from './camera-video.ts';

const DCC = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'dcc-testdata');

/** DCC test codes with their PNG and the text they hold, from a few countries' folders. */
export function dccCodes(max: number): { text: string; png: Buffer }[] {
  const out: { text: string; png: Buffer }[] = [];
  for (const cc of ['DE', 'AT', 'NL', 'IT', 'FR', 'BE', 'DK']) {
    const dir = join(DCC, cc, '2DCode', 'raw');
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    } catch {
      continue;
    }
    for (const f of files) {
      const j = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { PREFIX?: string; '2DCODE'?: string };
      if (j.PREFIX && j['2DCODE']) out.push({ text: j.PREFIX, png: Buffer.from(j['2DCODE'], 'base64') });
      if (out.length >= max) return out;
      break; // one per country: variety over volume
    }
  }
  return out;
}

export interface CameraRun {
  scenes: Scene[];
  /** Per code scene: decoded (posted) or not, and camera-to-screen ms when its verdict was painted. */
  results: { label: string; angle: number; size: number; decoded: boolean; toScreenMs: number | null }[];
  /** Requests the page made to anything but the daemon. */
  foreign: string[];
  /** Bodies posted to /api/camera. */
  posts: string[];
  hintShown: boolean;
  /** Verdicts on /api/events, in order: accepted or not. */
  verdicts: boolean[];
  /** Their reasons (null when accepted). */
  reasons: string[];
}

export async function cameraRun(dir: string, opts: { angles: number[]; sizes: number[]; dcc: number; frames: number }): Promise<CameraRun> {
  const stack = new Stack({ dir, kioskPort: await freePort(), devices: [{ id: 'camera-1', role: 'scanner', kind: 'camera-scanner' }] });
  await stack.start();
  const scenes: Scene[] = [{ text: null, label: 'empty', image: null, size: 0, angle: 0, frames: 5 * FPS }];
  for (const size of opts.sizes) {
    for (const angle of opts.angles) {
      const text = mintCode({ keys: stack.keysDir, type: 'personal', ttl: 240 });
      scenes.push({ text, label: `yss size ${size} angle ${angle}`, image: qrImage(text), size, angle, frames: opts.frames });
      scenes.push({ text: null, label: 'gap', image: null, size: 0, angle: 0, frames: 3 });
    }
  }
  for (const [i, d] of dccCodes(opts.dcc).entries()) {
    const angle = opts.angles[i % opts.angles.length] ?? 0;
    scenes.push({ text: d.text, label: `dcc angle ${angle}`, image: pngImage(d.png), size: 0.8, angle, frames: opts.frames });
    scenes.push({ text: null, label: 'gap', image: null, size: 0, angle: 0, frames: 3 });
  }
  // A long blank tail: the video loops, and the first pass is the one measured.
  scenes.push({ text: null, label: 'tail', image: null, size: 0, angle: 0, frames: 10 * FPS });
  const video = join(dir, 'camera.y4m');
  writeY4m(video, scenes);

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
    env: browserEnv(),
  });
  const foreign: string[] = [];
  const posts: string[] = [];
  const feed = await EventFeed.open(stack.kioskUrl);
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['camera'] });
    const page = await context.newPage();
    const origin = new URL(stack.kioskUrl).origin;
    page.on('request', (r: Request) => {
      if (new URL(r.url()).origin !== origin && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url());
      if (r.url().endsWith('/api/camera') && r.method() === 'POST') posts.push(r.postData() ?? '');
    });
    await page.goto(`${stack.kioskUrl}?bench=1&result_ms=600000`);
    await page.waitForSelector('main[data-screen]');
    await page.waitForFunction(() => window.yssCamera !== undefined, undefined, { timeout: 30_000 });
    const total = scenes.reduce((n, s) => n + s.frames, 0);
    const hintShown = await page
      .waitForSelector('.camera-hint:not([hidden])', { timeout: 15_000 })
      .then(() => true)
      .catch(() => false);
    // One pass of the video: until its blank tail is on camera and the decode that was running
    // then has finished (decodes run one after another: two more started), so that every code
    // scene has been shown and read. Bounded by the whole video's length, the old fixed wait.
    const tail = scenes.length - 1;
    await page
      .waitForFunction(
        (t) => {
          const cam = window.yssCamera as (typeof window.yssCamera & { tailFrames?: number }) | undefined;
          if (!cam || cam.sceneFirst[t] === undefined) return false;
          cam.tailFrames ??= cam.frames;
          return cam.frames >= cam.tailFrames + 2;
        },
        tail,
        { timeout: (total / FPS) * 1000, polling: 100 },
      )
      .catch(() => {});
    // A loaded machine may still be answering the last posts: wait for every verdict to be painted.
    await page
      .waitForFunction(() => (window.yssPaints?.length ?? 0) >= (window.yssCamera?.posts.length ?? 0), undefined, { timeout: 20_000 })
      .catch(() => {});
    const data = (await page.evaluate(() => ({ cam: window.yssCamera!, paints: window.yssPaints ?? [] }))) as {
      cam: { posts: { text: string; at: number; scene: number | null }[]; sceneFirst: Record<string, number> };
      paints: { seq: number; at: number }[];
    };
    // The k-th post is the k-th verdict painted: distinct texts, one verdict each, in order.
    const results = scenes
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => s.text !== null)
      .map(({ s, i }) => {
        const k = data.cam.posts.findIndex((p) => p.text === s.text);
        const appeared = data.cam.sceneFirst[String(i)];
        const painted = k >= 0 ? data.paints[k]?.at : undefined;
        return {
          label: s.label,
          angle: s.angle,
          size: s.size,
          decoded: k >= 0,
          toScreenMs: k >= 0 && appeared !== undefined && painted !== undefined ? painted - appeared : null,
        };
      });
    return { scenes, results, foreign, posts, hintShown, verdicts: feed.verdicts().map((v) => v.accepted), reasons: feed.verdicts().map((v) => String((v as { reason?: unknown }).reason)) };
  } finally {
    feed.close();
    await browser.close();
    await stack.stop();
  }
}
