export { ApiServer, type ApiOptions } from './server.ts';
export type * from './messages.ts';
