// A terminal daemon on its own, as a real process: no sync service, no devices, just a data
// folder, a pinned root and the loopback API. For the tests of the API's and the data folder's
// boundaries, which need nothing else.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keygen } from '../../../scripts/issuer/keys.ts';
import { REPO, spawnListening, type Child } from '../../../scripts/lib/stack.ts';
import { venueFile } from '../../../scripts/lib/venue-devices.ts';
import { entryArgs } from '../../../scripts/lib/entry.ts';

export interface DaemonSetup {
  dir: string;
  config: string;
  dataDir: string;
}

/** Writes a config in `dir` for a daemon with the given `api` section (and any other keys). */
export function writeDaemonConfig(dir: string, extra: Record<string, unknown> = {}): DaemonSetup {
  mkdirSync(dir, { recursive: true });
  const root = keygen(join(dir, 'issuer')).root;
  const config = join(dir, 'terminal.json');
  writeFileSync(config, JSON.stringify({ data_dir: 'terminal-data', name: 'test terminal', trust: { roots: [`${root.kid}:${root.x}`] }, venue: venueFile('desk'), log_level: 'info', ...extra }, null, 2));
  return { dir, config, dataDir: join(dir, 'terminal-data') };
}

/** Starts `terminal run` and resolves once it listens. */
export function startDaemon(setup: DaemonSetup, onOutput?: (line: string) => void): Promise<Child> {
  return spawnListening('terminal/src/cli.ts', ['run', '--config', setup.config], 'terminal', (_s, l) => onOutput?.(l));
}

/** Runs `terminal <args>` to its end (for starts that must fail, and one-shot commands). */
export function runTerminal(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entryArgs('terminal/src/cli.ts'), ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`terminal ${args.join(' ')} did not end within ${timeoutMs} ms:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export async function stopDaemon(child: Child | null | undefined): Promise<void> {
  if (!child || child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const t = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
  await child.exited;
  clearTimeout(t);
}
