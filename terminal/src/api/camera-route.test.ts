import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import pino from 'pino';
import { cameraRoute } from './camera-route.ts';
import { CameraScanner, type Reading } from '../devices/index.ts';

async function setup(withCamera = true) {
  const app = Fastify();
  const camera = new CameraScanner({ id: 'camera-1', role: 'scanner', kind: 'camera-scanner' }, pino({ level: 'silent' }));
  const readings: Reading[] = [];
  camera.on('reading', (r) => readings.push(r));
  camera.start();
  cameraRoute(app, withCamera ? camera : undefined);
  await app.ready();
  const post = (body: unknown, headers: Record<string, string> = { origin: 'http://127.0.0.1:7480', host: '127.0.0.1:7480' }) =>
    app.inject({ method: 'POST', url: '/api/camera', headers, payload: body as object });
  return { app, camera, readings, post };
}

test('a reading from the kiosk page becomes a scanner reading; the same code held in view is debounced', async () => {
  const { post, readings, camera } = await setup();
  const r = await post({ text: 'YSS1:ABC', format: 'QRCode' });
  assert.equal(r.statusCode, 200);
  assert.deepEqual(r.json(), { accepted: true });
  assert.deepEqual(readings, [{ kind: 'code', text: 'YSS1:ABC', symbology: 'qr', aim: null }]);
  assert.equal(camera.health.state, 'connected');
  assert.deepEqual((await post({ text: 'YSS1:ABC', format: 'QRCode' })).json(), { accepted: false });
  assert.equal(readings.length, 1);
});

test('refuses requests without the kiosk\'s own origin: another site, another port, none at all', async () => {
  const { post, readings } = await setup();
  const cases: Record<string, string>[] = [
    { origin: 'http://evil.example', host: '127.0.0.1:7480' },
    { origin: 'http://127.0.0.1:9999', host: '127.0.0.1:7480' },
    { origin: 'null', host: '127.0.0.1:7480' },
    { host: '127.0.0.1:7480' },
  ];
  for (const headers of cases) {
    const r = await post({ text: 'YSS1:X' }, headers);
    assert.equal(r.statusCode, 403, JSON.stringify(headers));
    assert.equal(r.json().error, 'YSS_API_NOT_KIOSK_ORIGIN');
  }
  assert.equal(readings.length, 0);
});

test('bad bodies get a clear 400, oversize text too; no camera configured is a 404', async () => {
  const { post } = await setup();
  for (const body of [{}, { text: '' }, { text: 'x'.repeat(7090) }, { text: 'a', format: 'Q R' }, { camera: 'exploded' }]) {
    const r = await post(body);
    assert.equal(r.statusCode, 400, JSON.stringify(body).slice(0, 60));
    assert.match(r.json().message, /Expected/);
  }
  const none = await setup(false);
  assert.equal((await none.post({ text: 'YSS1:A' })).statusCode, 404);
});

test('camera state reports drive the device state, with the reason', async () => {
  const { post, camera } = await setup();
  await post({ camera: 'denied', detail: 'NotAllowedError' });
  assert.equal(camera.health.state, 'error');
  assert.match(camera.health.detail!, /refused the camera.*NotAllowedError/);
  await post({ camera: 'open' });
  assert.equal(camera.health.state, 'connected');
});
