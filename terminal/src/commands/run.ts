// `terminal run --config <file>`: the daemon, until SIGINT or SIGTERM.
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/index.ts';
import { ConfigSupervisor } from '../config-push/index.ts';
import { exposedConfig } from '../data-guard.ts';
import { startTerminal } from '../main.ts';

export async function main(args: string[]): Promise<number> {
  let file: string | undefined;
  try {
    file = parseArgs({ args, options: { config: { type: 'string' } } }).values.config;
  } catch (e) {
    console.error(`${(e as Error).message}\nusage: terminal run --config <file>`);
    return 2;
  }
  if (!file) {
    console.error('missing --config <file>\nusage: terminal run --config <file>');
    return 2;
  }
  // The daemon runs under a supervisor that applies config pushes by a controlled restart and
  // rolls a push back when the daemon cannot run it (docs/config-push.md).
  let supervisor: ConfigSupervisor;
  let fatal: unknown = null;
  let wake = () => {};
  try {
    supervisor = ConfigSupervisor.fromFile(file, {
      start: startTerminal,
      onFatal: (e) => {
        fatal = e;
        wake();
      },
    });
    const exposed = supervisor.baseConfigHasEnrollmentCode ? exposedConfig(file, 'enrollment code') : null;
    if (exposed) console.error(`warning: ${exposed}`);
    await supervisor.start();
  } catch (e) {
    console.error(e instanceof ConfigError ? e.message : `terminal failed to start: ${(e as Error).message}`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    wake = resolve;
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await supervisor.stop();
  if (fatal) {
    console.error(`terminal stopped: ${(fatal as Error).message}`);
    return 1;
  }
  return 0;
}
