export { ApiServer, type ApiOptions } from './server.ts';
export { kioskRoutes, type KioskRouteDeps } from './kiosk-routes.ts';
export type * from './messages.ts';
