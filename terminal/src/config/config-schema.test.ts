// One schema for the terminal config: its generated files in step, every option documented, every
// device kind told apart by `kind` with its own keys, defaults filled in, and problems all at once.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DOC_BEGIN, DOC_END, generatedFiles } from './generated-files.ts';
import { ConfigError, DEFAULTS, parseConfig, validateDeviceConfig } from './index.ts';
import { configSchema, DEVICE_KINDS } from './schema.ts';

const repo = join(import.meta.dirname, '..', '..', '..');
const read = (p: string) => readFileSync(p, 'utf8');
const ROOT = `kid1:${'A'.repeat(43)}`;
const desk = join(repo, 'fixtures', 'venues', 'desk.json');
const problemsOf = (value: unknown): string[] => {
  try {
    parseConfig(value, '/srv/terminal');
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems;
  }
  return [];
};

test('config/types.ts, docs/terminal.schema.json and docs/config.md are what the schema generates (run scripts/gen-config-docs.ts)', () => {
  for (const [path, expected] of Object.entries(generatedFiles(repo, read))) {
    assert.equal(read(join(repo, path)), expected, `${path} is out of step with terminal/src/config/schema.ts`);
  }
});

test('docs/config.md gives every terminal config option and every device kind a meaning, a default or "required", and an example', () => {
  const doc = read(join(repo, 'docs', 'config.md'));
  const part = doc.slice(doc.indexOf(DOC_BEGIN), doc.indexOf(DOC_END));
  const rows = part.split('\n').filter((l) => l.startsWith('| `'));
  for (const row of rows) {
    const [, meaning, dflt, example] = row.split(' | ');
    assert.ok(meaning!.trim().length > 3 && dflt!.trim() && example!.replace('|', '').trim(), row);
  }
  for (const section of ['config', 'config.api', 'config.trust', 'config.sync', 'config.queue']) assert.ok(part.includes(`### \`${section}\``), section);
  const kinds = DEVICE_KINDS.map((k) => String(configSchema.$defs[k].properties.kind.const));
  assert.equal(kinds.length, 10);
  for (const kind of kinds) assert.ok(part.includes(`### \`config.devices[] (kind: ${kind})\``), kind);
  assert.ok(rows.length > 100, `${rows.length} option rows`);
});

test('each device kind\'s documented example is a valid entry, and a whole config made of them loads', () => {
  const examples = DEVICE_KINDS.map((k, i) => ({ ...(configSchema.$defs[k].examples[0] as Record<string, unknown>), id: `device-${i}` }));
  for (const d of examples) assert.deepEqual(validateDeviceConfig(d, 'd'), [], JSON.stringify(d));
  const top = Object.fromEntries(
    Object.entries(configSchema.properties)
      .filter(([k]) => !['devices', 'venue', 'data_dir'].includes(k))
      .map(([k, p]) => [k, 'examples' in p ? p.examples[0] : 'default' in p ? p.default : undefined]),
  );
  const c = parseConfig({ ...top, data_dir: 'data', trust: { roots: [ROOT] }, venue: desk, devices: examples }, '/srv/terminal');
  assert.equal(c.devices.length, examples.length);
  assert.equal(c.sync?.heartbeat_s, DEFAULTS.sync.heartbeat_s, 'a section given in part gets the defaults of the rest');
});

test('defaults are filled in without touching the caller\'s object, and the result is frozen all the way down', () => {
  const input = { data_dir: 'data', trust: { roots: [ROOT] }, venue: desk, api: { port: 7480 }, queue: {} };
  const before = structuredClone(input);
  const c = parseConfig(input, '/srv/terminal');
  assert.deepEqual(input, before);
  assert.deepEqual(c.api, { host: '127.0.0.1', port: 7480, staff_pin: '', staff_pin_hash: null });
  assert.deepEqual(c.queue, DEFAULTS.queue);
  assert.equal(c.name, 'terminal');
  assert.equal(c.skew_s, DEFAULTS.skew_s);
  assert.equal(c.trust.file, null);
  assert.deepEqual(c.devices, []);
  assert.ok(Object.isFrozen(c.trust.roots) && Object.isFrozen(c.queue.droppable_types) && Object.isFrozen(c.venue.inputs));
});

test('devices are told apart by kind: each kind has its own keys, values and role', () => {
  const base = { data_dir: 'data', trust: { roots: [ROOT] }, venue: desk };
  const problems = problemsOf({
    ...base,
    devices: [
      { id: 'scanner-1', role: 'scanner', kind: 'serial-scanner', path: '/dev/ttyACM0', columns: 48 },
      { id: 'printer-1', role: 'printer', kind: 'escpos-printer', path: '/dev/usb/lp0', columns: 200 },
      { id: 'relay-1', role: 'scanner', kind: 'serial-relay', path: '/dev/ttyUSB0', board: 'custom' },
      { id: 'cam', role: 'scanner', kind: 'laser' },
      { id: 'Bad Id', role: 'scanner', kind: 'camera-scanner' },
      null,
      { id: 'printer-1', role: 'mrz', kind: 'mrz-reader', path: '/dev/ttyUSB3', frame_timeout_ms: 5 },
    ],
  });
  assert.deepEqual(problems, [
    'config.devices[0].columns: unknown key for kind "serial-scanner"',
    'config.devices[1].columns: expected 16 to 96, got 200',
    'config.devices[2].role: expected "relay" (the role of kind "serial-relay"), got "scanner"',
    'config.devices[3].kind: expected one of "serial-scanner", "zebra-ssi-scanner", "hid-pos-scanner", "hid-keyboard-scanner", "camera-scanner", "ga467-reader", "mrz-reader", "escpos-printer", "serial-relay", "serial-pass-sensor", got "laser"',
    'config.devices[4].id: expected lower-case letters, digits, - and _, got "Bad Id"',
    'config.devices[5]: expected an object, got null',
    'config.devices[6].frame_timeout_ms: expected 20 to 60000, got 5',
    'config.devices[2].open_hex: required when board is "custom"',
    'config.devices[2].close_hex: required when board is "custom"',
    'config.devices[3]: missing path, or vid + pid, to find the device',
    'config.devices[6].id: "printer-1" is also the id of config.devices[1]',
  ]);
});

test('the rest of the file is checked in the same pass: types, ranges, null where a section may be absent', () => {
  const problems = problemsOf({
    data_dir: '',
    name: 7,
    skew_s: -1,
    api: { port: 70_000, staff_pin: '12' },
    trust: { roots: [] },
    sync: null,
    queue: { droppable_types: ['verdict'] },
    venue: 42,
    devices: {},
  });
  assert.deepEqual(problems, [
    'config.data_dir: must NOT have fewer than 1 characters',
    'config.name: expected a string, got 7',
    'config.skew_s: expected 0 to 3600, got -1',
    'config.api.port: expected 0 to 65535, got 70000',
    'config.api.staff_pin: expected 4 to 12 digits, got "12"',
    'config.trust.roots: must NOT have fewer than 1 items',
    'config.queue.droppable_types[0]: expected one of "device", "telemetry", got "verdict"',
    'config.venue: expected a venue file name or a venue object, got 42',
    'config.devices: expected a list, got {}',
  ]);
  assert.equal(parseConfig({ data_dir: 'd', trust: { roots: [ROOT] }, venue: desk, sync: null }, '/x').sync, null, 'sync: null is no sync');
});

test('a staff PIN hash is refused when it is not an scrypt string, or asks for more than a terminal gives', () => {
  const base = { data_dir: 'd', trust: { roots: [ROOT] }, venue: desk, sync: null };
  const key = 'A'.repeat(43);
  assert.deepEqual(problemsOf({ ...base, api: { staff_pin_hash: '482916' } }), ['config.api.staff_pin_hash: expected an scrypt hash "$scrypt$ln=<n>,r=<n>,p=<n>$<salt>$<key>", got "482916"']);
  assert.deepEqual(problemsOf({ ...base, api: { staff_pin_hash: `$scrypt$ln=24,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$${key}` } }), ['config.api.staff_pin_hash: ln=24 is outside 10 to 20']);
  assert.equal(parseConfig({ ...base, api: { staff_pin_hash: `$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$${key}` } }, '/x').api.staff_pin_hash?.slice(0, 21), '$scrypt$ln=15,r=8,p=1');
});
