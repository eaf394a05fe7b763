// Public surface of config-push/: config changes signed by the service, checked, applied by a
// controlled restart and rolled back when the daemon cannot run them (docs/config-push.md).
export { ConfigSupervisor, TRIAL_MS, type PushHooks, type SupervisorOptions } from './supervisor.ts';
export { checkPush, configWithPush, type BaseConfig, type PushCheck } from './check.ts';
export { CONFIG_PUSH_ERRORS, pushReason, type ConfigPushErrorCode } from './errors.ts';
export { newNeeds, venueNeeds, type Need } from './needs.ts';
export { PushStore, type PushState } from './store.ts';
