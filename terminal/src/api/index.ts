export { ApiServer, type ApiOptions } from './server.ts';
export { kioskRoutes, type KioskRouteDeps } from './kiosk-routes.ts';
export { cameraRoute, type CameraSink } from './camera-route.ts';
export type * from './messages.ts';
export { DEGRADED_CODES } from './degraded.ts';
export { API_ERRORS, type ApiErrorCode } from './errors.ts';
export { createTerminalMetrics, type TerminalMetrics } from './metrics.ts';
export { stayRoutes } from './stay-routes.ts';
export { attendanceRoute, loanRoutes } from './loan-routes.ts';
