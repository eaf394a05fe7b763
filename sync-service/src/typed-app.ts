// The service's fastify instance as its routes see it: `req.body`, `req.query` and `req.params`
// are typed from the route's JSON schemas (schemas.ts, `as const`) by json-schema-to-ts, the same
// schemas ajv validates with, so a schema change changes the type and no handler restates it.
// Replies are not typed from the response schemas: those schemas leave `additionalProperties`
// open (fast-json-stringify drops unnamed fields anyway), which json-schema-to-ts reads as an
// index signature that the service's interfaces (Heartbeat, FleetOverview, …) do not have.
import type { FastifyBaseLogger, FastifyInstance, FastifyTypeProvider, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/** Request types from the route's schemas; replies as fastify's default (unknown). */
export interface SchemaRequestTypes extends FastifyTypeProvider {
  validator: this['schema'] extends JSONSchema ? FromSchema<this['schema']> : unknown;
}

/** The fastify instance every route file registers on. */
export type ServiceApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, SchemaRequestTypes>;
