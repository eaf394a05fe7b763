// Tones for every verdict, spoken prompts in elderly mode. Speech uses speechSynthesis when a
// voice for the language exists (it can say the reason and the ticket number); otherwise a
// shipped clip says the fixed words (kiosk-ui/web/voice/).
import type { ClipKey } from '../voice/clips.ts';
import type { Lang } from './i18n.ts';

const VOICE_LANGS: Record<Lang, string[]> = { 'zh-CN': ['zh-CN', 'cmn'], 'zh-HK': ['zh-HK', 'yue'], en: ['en'] };

export class Sound {
  private readonly tones: Record<'accept' | 'refuse', HTMLAudioElement>;
  /** What was last spoken or sounded, for staff diagnostics and tests. */
  last = { tone: '', prompt: '', voice: '' };
  private clip: HTMLAudioElement | null = null;

  constructor(private readonly base: string) {
    this.tones = { accept: new Audio(`${base}audio/accept.wav`), refuse: new Audio(`${base}audio/refuse.wav`) };
    for (const a of Object.values(this.tones)) a.preload = 'auto';
  }

  tone(kind: 'accept' | 'refuse'): void {
    this.last.tone = kind;
    const a = this.tones[kind];
    a.currentTime = 0;
    // Autoplay may be refused outside the kiosk shell; the screen still says it all.
    a.play().catch(() => undefined);
  }

  speak(lang: Lang, text: string, clip: ClipKey): void {
    this.last.prompt = text;
    const synth = globalThis.speechSynthesis;
    const voice = synth?.getVoices().find((v) => VOICE_LANGS[lang].some((p) => v.lang.replace('_', '-').startsWith(p)));
    if (!synth || !voice) {
      this.last.voice = `clip:${clip}`;
      this.clip?.pause();
      this.clip = new Audio(`${this.base}audio/voice/${lang}/${clip}.wav`);
      // After the tone, not over it.
      setTimeout(() => this.clip?.play().catch(() => undefined), 600);
      return;
    }
    this.last.voice = 'synth';
    synth.cancel();
    const u = new SpeechSynthesisUtterance(text);
    u.voice = voice;
    u.lang = voice.lang;
    u.rate = 0.9; // A little slower than default, for older listeners.
    synth.speak(u);
  }
}
