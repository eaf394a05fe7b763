// Public surface of feeds/: the venue's data feeds held offline (docs/feeds.md) and what a gate
// counts from them.
export { FeedStore, type FeedInstall, type FeedMeta } from './store.ts';
export { PassageStore, WHOLE_DAY, type PassageBefore } from './passages.ts';
export { GrantStore, type Grant } from './grants.ts';
export { feedHealth, venueFeedKinds, type FeedHealth } from './health.ts';
export { ShareStore, slotReports } from './shares.ts';
