// Where the kiosk window may go: the daemon's origin and nowhere else. Origins are compared as
// parsed values, never as string prefixes (`http://127.0.0.1:8080.evil.example` starts with the
// daemon's URL but is another host).

/** The origin of a URL, or null when it does not parse or has an opaque origin. */
export function originOf(url: string): string | null {
  try {
    const o = new URL(url).origin;
    return o === 'null' ? null : o;
  } catch {
    return null;
  }
}

export function sameOrigin(url: string, allowedOrigin: string): boolean {
  const o = originOf(url);
  return o !== null && o === allowedOrigin;
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** The daemon URL must be plain http(s) on loopback: the shell never loads remote content. */
export function checkDaemonUrl(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `YSS_KIOSK_URL "${url}" is not a URL; expected e.g. http://127.0.0.1:8080/`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `YSS_KIOSK_URL "${url}" must be http or https, not ${u.protocol}`;
  if (!LOOPBACK.has(u.hostname)) return `YSS_KIOSK_URL "${url}" must be on loopback (127.0.0.1, [::1] or localhost), not ${u.hostname}`;
  return null;
}
