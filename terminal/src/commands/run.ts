// `terminal run --config <file>`: the daemon, until SIGINT or SIGTERM.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.ts';
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
  let terminal;
  try {
    const config = loadConfig(file);
    const exposed = config.sync?.enrollment_code ? exposedConfig(file, 'enrollment code') : null;
    if (exposed) console.error(`warning: ${exposed}`);
    terminal = await startTerminal(config);
  } catch (e) {
    console.error(e instanceof ConfigError ? e.message : `terminal failed to start: ${(e as Error).message}`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await terminal.stop();
  return 0;
}
