// Public surface of daemon/: what runs between the parts once main.ts has wired them — a
// reading's path, health, effects after a commit, the registration step and the timers.
export { Pipeline, type PipelineDeps } from './pipeline.ts';
export { healthOf, heartbeatOf, type HealthSources } from './health.ts';
export { Effects, type EffectsDeps } from './effects.ts';
export { recordRegistration, type RegistrationDeps } from './registration.ts';
export { RecentVerdicts } from './recent.ts';
export { startTimers, type TimerDeps } from './timers.ts';
export { StayDesk, addDays, type StayDeskDeps, type DeskRefusal } from './stays.ts';
export { GateGrants, type GateGrantsDeps } from './grants.ts';
