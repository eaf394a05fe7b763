// The wire contract between terminal and sync service; both sides import it from here.
export * from './events.ts';
export * from './request-signing.ts';
export * from './seal.ts';
export * from './feeds.ts';
export * from './config-push.ts';
export * from './feed-delta.ts';
export * from './shares.ts';
export * from './queue-waiting.ts';
export * from './pin-hash.ts';
export * from './hall-placement.ts';
