// What the service's operator pages share in script (the fleet page, the hall's window page): a
// JSON client of the service that sends the operator's token, and a DOM builder that sets text
// only, never HTML.

/** A refusal or a failure to reach the service: the HTTP status (0 unreachable), the catalog code, its message. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** `api(method, url, body?)` with the token `token()` holds at each call; `unreachable()` words a network failure in the page's language. */
export function apiClient(token: () => string | null, unreachable: () => string) {
  return async function api<T>(method: string, url: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${token() ?? ''}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new HttpError(0, 'UNREACHABLE', unreachable());
    }
    const json = (await res.json().catch(() => null)) as ({ error?: string; message?: string } & T) | null;
    if (!res.ok) throw new HttpError(res.status, json?.error ?? String(res.status), json?.message ?? res.statusText);
    return json as T;
  };
}

/** An element with attributes and children; a null child is left out, strings become text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string | null)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) if (c !== null) e.append(c);
  return e;
}
