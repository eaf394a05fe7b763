// The shell's few settings, from the environment the autostart unit sets (docs/kiosk.md).
import { checkDaemonUrl } from './navigation.ts';

export interface ShellConfig {
  /** The daemon's kiosk page. `--kiosk-url=` or `YSS_KIOSK_URL`, default http://127.0.0.1:7480/ (the demo's port). */
  url: string;
  /** Electron permissions granted to the daemon's page, e.g. `media` for a camera scanner. `YSS_KIOSK_ALLOW`, default none. */
  allow: string[];
  /** DevTools available (never in production). `YSS_KIOSK_DEVTOOLS=1`, default off. */
  devTools: boolean;
}

export class ShellConfigError extends Error {}

/** Reads the environment, then `--kiosk-url=<url>` from the command line (as `npm start` passes it). */
export function loadConfig(env: Record<string, string | undefined>, argv: string[] = []): ShellConfig {
  const flag = argv.find((a) => a.startsWith('--kiosk-url='));
  const url = flag ? flag.slice('--kiosk-url='.length) : (env.YSS_KIOSK_URL ?? 'http://127.0.0.1:7480/');
  const problem = checkDaemonUrl(url);
  if (problem) throw new ShellConfigError(problem);
  const allow = (env.YSS_KIOSK_ALLOW ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return Object.freeze({ url, allow, devTools: env.YSS_KIOSK_DEVTOOLS === '1' });
}
