export { syncOptions, type SyncConfig, SyncEngine, SyncError, type SyncOptions, type SyncDeps } from './engine.ts';
export { loadOrCreateIdentity, type Identity } from './identity.ts';
export type { SyncHealth } from './types.ts';
