// The shell's few settings, from the environment the autostart unit sets (docs/kiosk.md).
import { checkDaemonUrl } from './navigation.ts';

export interface ShellConfig {
  /** The daemon's kiosk page. `YSS_KIOSK_URL`, default http://127.0.0.1:8080/. */
  url: string;
  /** Electron permissions granted to the daemon's page, e.g. `media` for a camera scanner. `YSS_KIOSK_ALLOW`, default none. */
  allow: string[];
  /** DevTools available (never in production). `YSS_KIOSK_DEVTOOLS=1`, default off. */
  devTools: boolean;
}

export class ShellConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined>): ShellConfig {
  const url = env.YSS_KIOSK_URL ?? 'http://127.0.0.1:8080/';
  const problem = checkDaemonUrl(url);
  if (problem) throw new ShellConfigError(problem);
  const allow = (env.YSS_KIOSK_ALLOW ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return Object.freeze({ url, allow, devTools: env.YSS_KIOSK_DEVTOOLS === '1' });
}
