import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, parseConfig } from './index.ts';
import { entryArgs } from '../../../scripts/lib/entry.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

const ROOT = `kid1:${'A'.repeat(43)}`;
const VENUES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'venues');
const good = { data_dir: 'data', trust: { roots: [ROOT] }, venue: join(VENUES, 'desk.json') };
const gate = () => JSON.parse(readFileSync(join(VENUES, 'campus-gate.json'), 'utf8')) as Record<string, unknown>;

test('a minimal config gets its defaults, resolved paths, and is frozen', () => {
  const c = parseConfig(good, '/srv/terminal');
  assert.equal(c.data_dir, '/srv/terminal/data');
  assert.equal(c.api.host, '127.0.0.1');
  assert.equal(c.api.staff_pin, '', 'no default staff PIN: without one, staff sign-in is off');
  assert.equal(c.sync, null);
  assert.deepEqual(c.devices, []);
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.api));
});

test('every problem is listed at once, each naming the key, the value and what was expected', () => {
  const bad = {
    data_dir: 'data',
    trust: { roots: ['not-a-root'] },
    venue: { name: 'casino', kind: 'arcade' },
    api: { host: '0.0.0.0', pin: '1' },
    sync: { url: 'ftp://x' },
    colour: 'blue',
  };
  try {
    parseConfig(bad, '/tmp');
    assert.fail('expected a ConfigError');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    const text = e.problems.join('\n');
    assert.match(text, /config: unknown key "colour"/);
    assert.match(text, /config\.api: unknown key "pin"/);
    assert.match(text, /config\.api\.host: expected one of "127\.0\.0\.1", "::1", "localhost", got "0\.0\.0\.0"/);
    assert.match(text, /config\.trust\.roots\[0\]: expected "<kid>:<43 base64url characters>", got "not-a-root"/);
    assert.match(text, /config\.sync\.seal_key: required/);
    assert.match(text, /config\.sync\.url: expected an http:\/\/ or https:\/\/ URL, got "ftp:\/\/x"/);
    assert.match(text, /config\.venue\.kind: must be one of desk, kiosk, gate/);
    assert.match(text, /config\.venue: must have required property 'inputs'/);
    assert.ok(e.problems.length >= 8, text);
  }
});

test('device and scenario entries are checked by their own validators', () => {
  try {
    parseConfig({ ...good, venue: { ...gate(), replay: { per: 'sometimes' } }, devices: [{ id: 'x', role: 'scanner', kind: 'serial-scanner', path: '/dev/ttyACM0', baud: 1234 }] }, '/tmp');
    assert.fail('expected a ConfigError');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    const text = e.problems.join('\n');
    assert.match(text, /config\.venue\.replay\.per: must be one of code, person/);
    assert.match(text, /config\.devices\[0\]\.baud/);
  }
});

test('a gate must name a configured relay', () => {
  assert.throws(
    () => parseConfig({ ...good, venue: { ...gate(), actions: [{ do: 'open-gate', relay: 'relay-9', pulse_ms: 500 }] } }, '/tmp'),
    (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.includes('"relay-9" is not the id of a device with role "relay"')),
  );
  const ok = parseConfig(
    { ...good, venue: join(VENUES, 'campus-gate.json'), devices: [{ id: 'relay-1', role: 'relay', kind: 'serial-relay', path: '/dev/ttyUSB0' }] },
    '/tmp',
  );
  assert.deepEqual(ok.venue.actions, [{ do: 'open-gate', relay: 'relay-1', pulse_ms: 800 }]);
  assert.ok(Object.isFrozen(ok.venue.actions), 'the venue is frozen with the config');
});

test('a gate\'s pass sensor must be a configured device with role sensor', () => {
  const relay = { id: 'relay-1', role: 'relay', kind: 'serial-relay', path: '/dev/ttyUSB0' };
  const actions = [{ do: 'open-gate', relay: 'relay-1', pass_sensor: 'sensor-1', grant_s: 6 }];
  assert.throws(
    () => parseConfig({ ...good, venue: { ...gate(), actions }, devices: [relay] }, '/tmp'),
    (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.includes('config.venue.actions[0].pass_sensor: "sensor-1" is not the id of a device with role "sensor"')),
  );
  const ok = parseConfig({ ...good, venue: { ...gate(), actions }, devices: [relay, { id: 'sensor-1', role: 'sensor', kind: 'serial-pass-sensor', path: '/dev/ttyUSB1', channel: 2 }] }, '/tmp');
  assert.deepEqual(ok.venue.actions, actions);
});

test('the daemon refuses to start on a bad config, printing the problems and no stack trace', () => {
  const dir = tempDir('yss-config-');
  const file = join(dir, 'terminal.json');
  writeFileSync(file, JSON.stringify({ ...good, venue: 'no-such-venue.json' }));
  const r = spawnSync(process.execPath, [...entryArgs('terminal/src/cli.ts'), 'run', '--config', file], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /invalid configuration .*terminal\.json/);
  assert.match(r.stderr, /config\.venue \(.*no-such-venue\.json\): cannot read the file/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
