import { openEnvelope } from './jws.ts';
import { buildIndex, PayloadError } from './payload.ts';
import type { RootKey, TrustIndex } from './types.ts';

export type OpenResult =
  | { ok: true; index: TrustIndex }
  | { ok: false; reason: 'unknown_root' | 'bad_signature' | 'malformed'; message: string };

/** Envelope first (root, typ, signature), then the payload's format (trust-list.md §3). */
export function openTrustList(jws: string, roots: readonly RootKey[]): OpenResult {
  const env = openEnvelope(jws, roots);
  if (!env.ok) return env;
  try {
    return { ok: true, index: buildIndex(env.payload) };
  } catch (e) {
    if (e instanceof PayloadError) return { ok: false, reason: 'malformed', message: e.message };
    throw e;
  }
}
