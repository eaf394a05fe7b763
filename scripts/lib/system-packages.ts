// The Debian packages that parts of the test suite (never the terminal itself) need, and how to
// tell whether each is present. The terminal runs without any of them and reports the missing
// backend as degraded; the suite installs them when it may (root) and otherwise names them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface SystemPackage {
  /** Debian package name. */
  name: string;
  /** What needs it, for the message. */
  usedBy: string;
  present: () => boolean;
}

const onPath = (cmd: string) => () => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

export const systemPackages: SystemPackage[] = [
  { name: 'socat', usedBy: 'pseudo-terminal serial devices', present: onPath('socat') },
  { name: 'openssl', usedBy: 'X.509 certificates made for the DSC tests (trust/dsc.test.ts)', present: onPath('openssl') },
  { name: 'chromium', usedBy: 'kiosk UI tests (playwright-core)', present: () => existsSync('/usr/bin/chromium') },
  {
    name: 'fonts-wqy-microhei',
    usedBy: 'Chinese glyphs in the kiosk UI tests (sizes and screenshots measure real text)',
    present: () => existsSync('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'),
  },
  { name: 'postgresql', usedBy: 'PostgreSQL storage tests, multi-node proofs and benchmarks (throwaway clusters)', present: () => existsSync('/usr/lib/postgresql/15/bin/initdb') },
  { name: 'haproxy', usedBy: 'multi-node proofs and benchmarks (several service nodes behind one address)', present: onPath('haproxy') },
  { name: 'prometheus', usedBy: 'promtool, which checks and unit-tests the shipped alert rules', present: onPath('promtool') },
  { name: 'udev', usedBy: 'serial port enumeration (udevadm)', present: onPath('udevadm') },
  {
    name: 'libusb-1.0-0',
    usedBy: 'node-hid prebuilt binaries',
    present: () => {
      try {
        return /libusb-1\.0\.so/.test(execFileSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' }));
      } catch {
        return false;
      }
    },
  },
];

export function missingPackages(): SystemPackage[] {
  return systemPackages.filter((p) => !p.present());
}

/** Installs what is missing when running as root; otherwise returns the exact command to run. */
export function ensurePackages(log: (line: string) => void): { ok: true } | { ok: false; command: string } {
  const missing = missingPackages();
  if (missing.length === 0) return { ok: true };
  const names = missing.map((p) => p.name);
  const command = `apt-get update && apt-get install -y ${names.join(' ')}`;
  if (process.getuid?.() !== 0) return { ok: false, command: `sudo sh -c '${command}'` };
  log(`installing Debian packages: ${missing.map((p) => `${p.name} (${p.usedBy})`).join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...names]]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (r.status !== 0) return { ok: false, command };
  }
  const still = missingPackages();
  return still.length === 0 ? { ok: true } : { ok: false, command };
}
