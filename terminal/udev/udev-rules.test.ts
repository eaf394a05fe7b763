import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const rules = readFileSync(join(import.meta.dirname, '99-yss-edge.rules'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'));

test('every rule is a comma-separated list of KEY==value matches and KEY=value assignments', () => {
  const pair = /^\s*[A-Z_]+(\{[^}]+\})?\s*(==|!=|=|\+=)\s*"[^"]*"\s*$/;
  for (const line of rules) for (const part of line.split(',')) assert.match(part, pair, line);
});

test('hidraw access covers the scanner vendors named in the hardware reference', () => {
  for (const vid of ['0c2e', '05e0', '05f9', '1eab', '23d0']) {
    assert.ok(rules.some((l) => l.includes('KERNEL=="hidraw*"') && l.includes(`ATTRS{idVendor}=="${vid}"`)), vid);
  }
});

test('serial scanners are hidden from ModemManager', () => {
  assert.ok(rules.filter((l) => l.includes('SUBSYSTEM=="tty"')).every((l) => l.includes('ENV{ID_MM_DEVICE_IGNORE}="1"')));
});
