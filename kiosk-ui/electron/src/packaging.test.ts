// The built bundles and the packaging config: what the checklist needs beyond main-process code.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');

test('the main bundle is CommonJS and leaves electron external', () => {
  const main = readFileSync(join(dist, 'main.cjs'), 'utf8');
  assert.match(main, /require\("electron"\)/);
  const required = [...main.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1] ?? '');
  assert.deepEqual([...new Set(required)].filter((r) => r !== 'electron' && !r.startsWith('node:') && r !== 'path'), []);
  assert.doesNotMatch(main, /^import /m);
});

test('the preload exposes only a frozen marker to the page', () => {
  const exposed: Record<string, unknown> = {};
  const fakeRequire = (name: string) => {
    assert.equal(name, 'electron');
    return { contextBridge: { exposeInMainWorld: (k: string, v: unknown) => (exposed[k] = v) } };
  };
  const module = { exports: {} };
  runInNewContext(readFileSync(join(dist, 'preload.cjs'), 'utf8'), { require: fakeRequire, module, exports: module.exports });
  assert.deepEqual(Object.keys(exposed), ['yssKiosk']);
  assert.equal(JSON.stringify(exposed.yssKiosk), '{"shell":"electron"}');
  assert.ok(Object.isFrozen(exposed.yssKiosk));
});

test('the out-of-service page is static, local and says so in three languages', () => {
  const html = readFileSync(join(dist, 'out-of-service.html'), 'utf8');
  assert.doesNotMatch(html, /<script|https?:\/\//);
  assert.match(html, /暂停服务/);
  assert.match(html, /暫停服務/);
  assert.match(html, /Out of service/);
});

test('packaging turns off runAsNode and the other fuses that reopen Node', () => {
  const cfg = JSON.parse(readFileSync(join(root, 'electron-builder.json'), 'utf8')) as { electronFuses: Record<string, boolean>; linux: { target: string[] } };
  assert.equal(cfg.electronFuses.runAsNode, false);
  assert.equal(cfg.electronFuses.enableNodeOptionsEnvironmentVariable, false);
  assert.equal(cfg.electronFuses.enableNodeCliInspectArguments, false);
  assert.equal(cfg.electronFuses.onlyLoadAppFromAsar, true);
  assert.equal(cfg.electronFuses.enableEmbeddedAsarIntegrityValidation, true);
  assert.deepEqual(cfg.linux.target, ['deb', 'AppImage']);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
  assert.equal(pkg.main, 'dist/main.cjs');
});

test('the autostart unit restarts the shell and points it at the loopback daemon', () => {
  const unit = readFileSync(join(root, 'packaging', 'yss-kiosk.service'), 'utf8');
  assert.match(unit, /^Restart=always$/m);
  assert.match(unit, /^Environment=YSS_KIOSK_URL=http:\/\/127\.0\.0\.1:\d+\/$/m);
});
