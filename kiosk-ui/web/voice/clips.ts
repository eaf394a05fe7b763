// The spoken prompts shipped as audio, for kiosks whose browser has no speech voice for the
// language. Variable parts (ticket numbers, the reason) are left to the screen and to
// speechSynthesis where it exists; these clips say what to do in fixed words.
import type { MessageKey } from '../src/i18n.ts';

export const CLIP_KEYS = ['speak.idle', 'speak.accepted', 'speak.refused.short', 'speak.ticket.short'] as const satisfies readonly MessageKey[];
export type ClipKey = (typeof CLIP_KEYS)[number];
