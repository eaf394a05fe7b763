// Entry point of the kiosk page. Query parameters (for installers and tests): `lang` (default
// zh-CN), `result_ms` (how long a verdict stays, default 6000), `bench=1` (record paint times),
// `camera=0` (do not open the camera even when a camera-scanner is configured).
import type { Health } from '../../../terminal/src/api/messages.ts';
import { App } from './app.ts';
import { startCamera } from './camera.ts';
import { isLang } from './i18n.ts';

const q = new URLSearchParams(location.search);
const lang = q.get('lang');
const resultMs = Number(q.get('result_ms') ?? '');
function localStore(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // Storage can be disabled by policy; preferences then last until reload.
  }
}

new App({
  root: document.getElementById('app') ?? document.body,
  eventsUrl: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/events`,
  base: new URL('.', location.href).href,
  lang: isLang(lang) ? lang : 'zh-CN',
  resultMs: Number.isFinite(resultMs) && resultMs > 0 ? resultMs : 6000,
  storage: localStore(),
  bench: q.get('bench') === '1',
});

// A configured camera-scanner means this page is the scanner: open the camera and decode here.
const initialLang = isLang(lang) ? lang : 'zh-CN';
if (q.get('camera') !== '0') {
  void fetch('/api/health')
    .then((r) => r.json() as Promise<Health>)
    .then((h) => {
      if (!h.devices.some((d) => d.kind === 'camera-scanner')) return;
      return startCamera({
        bench: q.get('bench') === '1',
        base: new URL('.', location.href).href,
        lang: () => {
          const saved = localStore()?.getItem('yss.lang');
          return isLang(saved) ? saved : initialLang;
        },
        post: (body) => fetch('/api/camera', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).catch(() => null),
      });
    })
    .catch(() => {});
}
