// `terminal devices [--config <file>] [--json]`: what is plugged in (serial, HID with usage page,
// printer-class nodes, every USB device with the nodes its drivers made, simulator ptys), whether
// each configured device is there and usable, with the likely cause and the fix when it is not,
// and which backend is missing with the package or udev rule that fixes it. Exit 0, or 1 when the
// config is invalid.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkDevice } from '../config/index.ts';
import { inventory, type DeviceConfig, type Inventory } from '../devices/index.ts';

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
  const checked = list.map((d: unknown, i) => checkDevice(d, `devices[${i}]`));
  const problems = checked.flatMap((c) => c.problems);
  const configs = checked.flatMap((c) => (c.device ? [c.device] : []));
  return { configs: problems.length ? [] : configs, problems };
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
  out.push(`USB printer-class nodes (${inv.printers.length}):`);
  if (!inv.printers.length) out.push('  none');
  for (const p of inv.printers) out.push(`  ${p.path}${p.readable ? '' : '  (no permission)'}${match(p.matches)}`);
  if (inv.usb === null) out.push('USB devices: none visible (no /sys/bus/usb here)');
  else {
    out.push(`USB devices (${inv.usb.length}):`);
    if (!inv.usb.length) out.push('  none');
    for (const u of inv.usb) {
      const label = [u.manufacturer, u.product].filter(Boolean).join(' ');
      out.push(`  port ${u.port}  ${u.vid}:${u.pid}  ${label}  nodes: ${u.nodes.join(', ') || 'none'}  drivers: ${u.drivers.join(', ') || 'none'}`);
    }
  }
  if (inv.simulators.length) {
    out.push('Simulator pseudo-terminals:');
    for (const p of inv.simulators) out.push(`  ${p.path} -> ${p.node ?? '(gone: the simulator stopped)'}`);
  }
  if (configs.length) {
    out.push('Configured devices:');
    for (const c of inv.configured) {
      const verdict = { present: 'present', in_kiosk_page: 'in the kiosk page', missing: 'NOT FOUND', no_permission: 'NO PERMISSION', wrong_node: 'WRONG NODE' }[c.presence];
      out.push(`  ${c.id} (${c.role}, ${c.kind}, ${c.where}): ${verdict}  ${c.detail}`);
      if (c.cause) out.push(`          ${c.presence === 'present' ? 'note' : 'cause'}: ${c.cause}`);
      if (c.fix) out.push(`          fix: ${c.fix}`);
    }
  } else {
    out.push('Configured devices: pass --config <terminal.json> to check each configured device');
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
