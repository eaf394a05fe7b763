// What every screen function receives: the language, the mode, and a way to ask for change.
import type { Lang, MessageKey } from './i18n.ts';

export type Action =
  | { type: 'lang'; lang: Lang }
  | { type: 'elderly' }
  | { type: 'home' }
  | { type: 'staff-open' }
  | { type: 'key'; key: string }
  | { type: 'field'; field: 'room' | 'guests' }
  | { type: 'submit' }
  | { type: 'test-ticket' }
  | { type: 'checkout-scan' }
  | { type: 'guest-details-save' }
  | { type: 'loans-finish' }
  | { type: 'stay-details'; guest: number; name: string }
  | { type: 'stay-correct'; guest: number; name: string; foreign: boolean }
  | { type: 'stay-details-save' }
  | { type: 'stay-details-cancel' }
  | { type: 'stay-count'; stay: number; reason: string }
  | { type: 'stay-checkout-guest'; guest: number }
  | { type: 'stay-checkout-room'; stay: number };

export interface Ctx {
  lang: Lang;
  elderly: boolean;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  dispatch(a: Action): void;
  /** Wall clock, ms (the daemon's clock for staff ages when known). */
  now(): number;
}
