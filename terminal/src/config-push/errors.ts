// Why a config push was not kept (docs/config-push.md). Reported as `<code>: <message>` in
// /api/health, the log and the heartbeat; docs/terminal-errors.md documents the same list (a test
// keeps them in step).
export const CONFIG_PUSH_ERRORS = {
  YSS_CONFIG_PUSH_NO_KEY: { message: 'this terminal pinned no config key at enrollment, so it believes no push' },
  YSS_CONFIG_PUSH_BAD_SIGNATURE: { message: '%s' },
  YSS_CONFIG_PUSH_WRONG_TERMINAL: { message: 'the document was signed for terminal %s, not this one (%s)' },
  YSS_CONFIG_PUSH_ROLLBACK: { message: 'version %s is not newer than version %s, already applied or refused here' },
  YSS_CONFIG_PUSH_INVALID: { message: '%s' },
  YSS_CONFIG_PUSH_START_FAILED: { message: 'the daemon did not start with it (%s); back on the last good config' },
  YSS_CONFIG_PUSH_DEVICES: { message: '%s not connected within %s s of the start; back on the last good config' },
} as const;

export type ConfigPushErrorCode = keyof typeof CONFIG_PUSH_ERRORS;

/** `<code>: <message>`, the form a rejection is reported in. */
export function pushReason(code: ConfigPushErrorCode, ...args: (string | number)[]): string {
  let i = 0;
  return `${code}: ${CONFIG_PUSH_ERRORS[code].message.replace(/%s/g, () => String(args[i++] ?? ''))}`;
}
