// The service's own web pages (the fleet page, the hall's window page and display): each a folder
// that `npm run build` fills with index.html, app.js and style.css (scripts/build-ui.ts), sent with
// one set of headers. A page holds no data: it reads the service's routes with its user's token.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceError } from './errors.ts';
import * as S from './schemas.ts';
import type { ServiceApp } from './typed-app.ts';

/** Only the page's own files, no inline script or style, no framing, no form posted elsewhere. */
export const PAGE_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const FILES = [
  ['', 'index.html', 'text/html; charset=utf-8'],
  ['app.js', 'app.js', 'text/javascript; charset=utf-8'],
  ['style.css', 'style.css', 'text/css; charset=utf-8'],
] as const;

/** Sends one built file of a page, read at each request (a rebuild needs no restart); `what` names the page in a 404. */
export function sendPage(dist: string, file: string, type: string, what: string) {
  return async (_req: FastifyRequest, reply: FastifyReply) => {
    let body: Buffer;
    try {
      body = readFileSync(join(dist, file));
    } catch {
      throw new ServiceError('YSS_SYNC_NOT_FOUND', `${what}'s ${file} (run npm run build)`);
    }
    return reply
      .type(type)
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('content-security-policy', PAGE_CSP)
      .send(body);
  };
}

/**
 * A page at `path` (`/admin`): `path/` its HTML, `path/app.js` and `path/style.css`, and `path`
 * without the slash redirected to it with its query (a hall page's `?hall=`).
 */
export function registerPage(app: ServiceApp, path: string, dist: string, what: string): void {
  app.get(path, { schema: { response: { 302: { type: 'null' } } } }, async (req, reply) => reply.redirect(`${path}/${req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : ''}`));
  const schema = { schema: { response: { 200: S.textReply, ...S.errorReplies } } };
  for (const [name, file, type] of FILES) app.get(`${path}/${name}`, schema, sendPage(dist, file, type, what));
}
