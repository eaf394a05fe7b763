// Public surface of trust/: which keys the terminal believes (shared/spec/trust-list.md), the
// replay memory and the trusted clock, all durable in the terminal database.
export type { RootKey, TrustIndex, TrustIssuer, TrustKey, KeyAlg } from './types.ts';
export { parseRootArg, ed25519KeyObject } from './root.ts';
export { signTrustList, TRUST_LIST_TYP } from './jws.ts';
export { openTrustList, type OpenResult } from './open.ts';
export { TRUST_LIST_FORMAT, fits, indexFromDocument, PayloadError } from './payload.ts';
export { dscKid, dscKeyEntry, hcertIssuerEntry, type DscKeyEntry } from './dsc.ts';
export { TrustStore, type InstallResult, type RefreshResult, type InstallStatus, type RefusalReason, type TrustHealth } from './store.ts';
export { ReplayStore, DEFAULT_REPLAY_ENTRIES } from './replay.ts';
export { TrustedClock, type ClockOptions, type ClockStatus, type ClockJump } from './clock.ts';
export { ctiHash, subHash, isRevoked } from './revocation.ts';
export { HashSet32, isHash32, type HashLookup } from './hash-set.ts';
