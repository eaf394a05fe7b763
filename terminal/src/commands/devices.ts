// `terminal devices [--config <file>] [--json]`: what is plugged in (serial and HID, with VID/PID,
// usage page, stable paths and the configured device each matches), and which backend is
// missing with the package or udev rule that fixes it. Exit 0, or 1 when the config is invalid.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { inventory, validateDeviceConfig, type DeviceConfig, type Inventory } from '../devices/index.ts';

function loadConfigs(file: string): { configs: DeviceConfig[]; problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return { configs: [], problems: [`${file}: ${(e as Error).message}`] };
  }
  // Accept the terminal config (with `devices`) or a bare devices array.
  const list = Array.isArray(value) ? value : (value as { devices?: unknown })?.devices;
  if (!Array.isArray(list)) return { configs: [], problems: [`${file}: no "devices" array`] };
  const problems = list.flatMap((d, i) => validateDeviceConfig(d, `devices[${i}]`));
  return { configs: problems.length ? [] : (list as DeviceConfig[]), problems };
}

function render(inv: Inventory, configs: DeviceConfig[]): string {
  const out: string[] = [];
  const match = (m: string[]) => (m.length ? `  <- ${m.join(', ')}` : '');
  out.push(`Serial ports (${inv.serial.length}):`);
  if (!inv.serial.length) out.push('  none');
  for (const s of inv.serial) {
    out.push(`  ${s.path}  ${s.vid ? `${s.vid}:${s.pid}` : '----:----'}  ${s.manufacturer ?? ''}${s.readable ? '' : '  (no permission)'}${match(s.matches)}`);
    for (const l of s.by_id) out.push(`      ${l}`);
  }
  out.push(`HID interfaces (${inv.hid.length}):`);
  if (!inv.hid.length) out.push('  none');
  for (const h of inv.hid) {
    const page = h.usage_page === null ? 'usage ?' : `usage page 0x${h.usage_page.toString(16)}/0x${(h.usage ?? 0).toString(16)}`;
    out.push(`  ${h.path}  ${h.vid}:${h.pid}  ${page}  ${h.mode}  ${h.product ?? ''}${h.readable ? '' : '  (no permission)'}${match(h.matches)}`);
  }
  if (configs.length) {
    out.push('Configured devices:');
    const found = new Set([...inv.serial, ...inv.hid].flatMap((d) => d.matches));
    for (const c of configs) {
      const where = c.path ?? `${c.vid}:${c.pid}${c.serial_number ? ` #${c.serial_number}` : ''}`;
      out.push(`  ${c.id} (${c.role}, ${c.kind}, ${where}): ${found.has(c.id) ? 'present' : 'NOT FOUND'}`);
    }
  }
  out.push('Backends:');
  for (const b of inv.backends) {
    out.push(`  ${b.ok ? 'ok     ' : 'MISSING'} ${b.name}: ${b.detail}`);
    if (b.fix) out.push(`          fix: ${b.fix}`);
  }
  return out.join('\n');
}

export async function main(args: string[]): Promise<number> {
  let values: { config?: string; json?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { config: { type: 'string' }, json: { type: 'boolean' } }, strict: true }));
  } catch (e) {
    console.error(`${(e as Error).message}\nusage: terminal devices [--config <file>] [--json]`);
    return 2;
  }
  let configs: DeviceConfig[] = [];
  if (values.config) {
    const loaded = loadConfigs(values.config);
    if (loaded.problems.length) {
      console.error(`invalid device configuration:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}`);
      return 1;
    }
    configs = loaded.configs;
  }
  const inv = await inventory(configs);
  console.log(values.json ? JSON.stringify(inv, null, 2) : render(inv, configs));
  return 0;
}
