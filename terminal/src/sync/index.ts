// Public surface of sync/: the uploader that carries the queue to the sync service, pulls trust
// lists and sends heartbeats (docs/sync.md).
export { SyncEngine, type SyncDeps } from './engine.ts';
export { ServiceClient, type PoliceReportState } from './client.ts';
export { PolicePoll, PoliceStates, POLICE_BACKOFF_BASE_MS, POLICE_MIN_INTERVAL_MS } from './police.ts';
export { syncOptions, type SyncConfig, type SyncOptions } from './options.ts';
export { SyncError, SYNC_ERRORS, type SyncErrorCode } from './errors.ts';
export { httpTransport, type Transport, type TransportRequest, type TransportResponse } from './transport.ts';
export { loadOrCreateIdentity, readUploadedMark, saveTerminalId, saveUploadedMark, type Identity, type UploadedMark } from './identity.ts';
export type { SyncHealth } from './types.ts';
