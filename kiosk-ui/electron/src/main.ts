// Electron entry point (bundled to dist/main.cjs with `electron` left external). Kept thin: all
// the logic is in shell.ts, which the tests drive with a stand-in for the electron module.
import * as electron from 'electron';
import { join } from 'node:path';
import { loadConfig, ShellConfigError, type ShellConfig } from './config.ts';
import { startShell } from './shell.ts';

const log = (msg: string, fields: Record<string, unknown> = {}) => console.log(JSON.stringify({ time: Date.now(), component: 'kiosk-shell', msg, ...fields }));

let config: ShellConfig | null = null;
try {
  config = loadConfig(process.env, process.argv);
} catch (e) {
  if (!(e instanceof ShellConfigError)) throw e;
  console.error(e.message);
  electron.app.exit(2);
}
if (config) {
  startShell(electron, config, {
    preloadPath: join(__dirname, 'preload.cjs'),
    outOfServicePath: join(__dirname, 'out-of-service.html'),
    log,
  });
}
