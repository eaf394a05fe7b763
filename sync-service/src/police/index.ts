// The police reporting port (docs/police.md): the outbox worker and its gateway adapters.
import type { PoliceConfig } from '../config.ts';
import { FileBatchGateway } from './file-batch.ts';
import type { PoliceGateway } from './gateway.ts';
import { HttpGateway } from './http.ts';

export { PoliceOutbox, OUTBOX_DEFAULTS, backoff, type OutboxTiming } from './outbox.ts';
export { policeDocument, POLICE_FIELDS, POLICE_FORMAT, reportId, type PoliceDocument } from './document.ts';
export type { GatewayAnswer, PoliceGateway } from './gateway.ts';
export { FileBatchGateway, HttpGateway };

/** The configured adapter. */
export function policeGateway(g: PoliceConfig['gateway']): PoliceGateway {
  return g.kind === 'http' ? new HttpGateway({ url: g.url, timeoutMs: g.timeout_ms }) : new FileBatchGateway(g.dir);
}
