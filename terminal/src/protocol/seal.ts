// Seals personal data to the sync service's X25519 key before it touches the disk. A fresh box
// key pair per event costs ~0.6 ms in pure JS, so one ephemeral pair serves an epoch: its shared
// key is computed once (nacl.box.before) and each event costs one secretbox (~5 µs). The epoch
// secret lives only in memory and is dropped at rotation, so the terminal keeps no key that opens
// what it sealed earlier.
import nacl from 'tweetnacl';

export interface Sealed {
  /** Epoch's ephemeral public key, base64url. */
  epk: string;
  /** 24-byte nonce, base64url. */
  n: string;
  /** Ciphertext of the JSON, base64url. */
  c: string;
}

export interface SealerOptions {
  /** Events per epoch before the key pair rotates. */
  maxEvents?: number;
  /** Milliseconds per epoch before the key pair rotates. */
  maxAgeMs?: number;
  now?: () => number;
}

export class Sealer {
  private shared: Uint8Array | null = null;
  private epk = '';
  private used = 0;
  private started = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly maxEvents: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly recipient: Uint8Array,
    opts: SealerOptions = {},
  ) {
    if (recipient.length !== nacl.box.publicKeyLength) throw new Error(`seal key must be 32 bytes, got ${recipient.length}`);
    this.maxEvents = opts.maxEvents ?? 1000;
    this.maxAgeMs = opts.maxAgeMs ?? 10 * 60_000;
    this.now = opts.now ?? Date.now;
  }

  seal(value: unknown): Sealed {
    if (!this.shared || this.used >= this.maxEvents || this.now() - this.started > this.maxAgeMs) this.rotate();
    this.used++;
    const nonce = nacl.randomBytes(nacl.box.nonceLength);
    const c = nacl.box.after(Buffer.from(JSON.stringify(value)), nonce, this.shared!);
    return { epk: this.epk, n: Buffer.from(nonce).toString('base64url'), c: Buffer.from(c).toString('base64url') };
  }

  /**
   * Wipes the epoch's shared key. Also runs by itself when the epoch's age runs out, so an idle
   * terminal does not keep in memory a key that opens its last epoch's events.
   */
  forget(): void {
    if (this.shared) this.shared.fill(0);
    this.shared = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Starts a new epoch: a fresh ephemeral key pair, the previous shared key wiped. */
  rotate(): void {
    this.forget();
    const pair = nacl.box.keyPair();
    this.shared = nacl.box.before(this.recipient, pair.secretKey);
    pair.secretKey.fill(0);
    this.epk = Buffer.from(pair.publicKey).toString('base64url');
    this.used = 0;
    this.started = this.now();
    this.timer = setTimeout(() => this.forget(), this.maxAgeMs);
    this.timer.unref();
  }
}

/** Opens a sealed value with the recipient's secret key (the sync service side). */
export function openSealed(sealed: Sealed, secretKey: Uint8Array): unknown {
  const plain = nacl.box.open(
    Buffer.from(sealed.c, 'base64url'),
    Buffer.from(sealed.n, 'base64url'),
    Buffer.from(sealed.epk, 'base64url'),
    secretKey,
  );
  if (!plain) throw new Error('sealed data does not open with this key');
  return JSON.parse(Buffer.from(plain).toString('utf8'));
}
