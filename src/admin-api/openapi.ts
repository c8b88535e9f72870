/**
 * The OpenAPI 3.1 document of the admin API, generated from OPERATIONS and the zod
 * schemas that validate requests (z.toJSONSchema, draft 2020-12, which OpenAPI 3.1
 * schemas are), so the document cannot drift from what the API accepts.
 */
import { z } from 'zod';
import { errorBody } from './views.js';
import { OPERATIONS, type Operation } from './operations.js';

type Json = Record<string, unknown>;

const schema = (s: z.ZodType, io: 'input' | 'output'): Json => {
  const { $schema: _, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Json;
  return rest;
};

const PATH_PARAMS: Record<string, Json> = {
  id: { description: 'the client id', schema: { type: 'string', pattern: '^[A-Za-z0-9._~-]{1,128}$' } },
  audience: { description: 'the audience URI, percent-encoded as one path segment', schema: { type: 'string', maxLength: 6144 } },
};

const ERROR = { description: 'refused: an RFC 6749-style error body', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

/** The document, with `issuer` as the server. */
export function openApiDocument(issuer: string): Json {
  const paths: Record<string, Json> = {};
  for (const op of OPERATIONS) {
    const path = op.path.replace(/:([a-z]+)/g, '{$1}');
    paths[path] = { ...paths[path], [op.method.toLowerCase()]: operation(op) };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Portcullis admin API', version: '1.0.0', description: 'Operator changes to clients and resource servers, and the audit trail that records every change.' },
    servers: [{ url: issuer }],
    security: [{ dpop: [] }, { mtls: [] }],
    paths,
    components: {
      schemas: { Error: schema(errorBody, 'output') },
      securitySchemes: {
        dpop: { type: 'http', scheme: 'DPoP', description: `DPoP-bound access token (RFC 9449) for the audience ${issuer}/admin, client_credentials grant, scopes admin:read / admin:write` },
        mtls: { type: 'mutualTLS', description: 'certificate-bound access token (RFC 8705) for the same audience' },
      },
    },
  };
}

function operation(op: Operation): Json {
  const params = [...op.path.matchAll(/:([a-z]+)/g)].map(([, name]) => ({ name, in: 'path', required: true, ...PATH_PARAMS[name] }));
  const query = op.query ? Object.entries((schema(op.query, 'input').properties ?? {}) as Record<string, Json>).map(([name, s]) => ({ name, in: 'query', required: false, schema: s })) : [];
  const ifMatch = op.method === 'PUT' ? [{ name: 'If-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'the version read (ETag); 412 when the record changed since' }] : [];
  const answer = op.status === 204 ? { description: 'done' } : { description: 'done', content: { 'application/json': { schema: schema(op.answer!, 'output') } } };
  return {
    operationId: op.id, summary: op.summary, 'x-required-scope': op.scope,
    security: [{ dpop: [op.scope] }, { mtls: [op.scope] }],
    ...(params.length + query.length + ifMatch.length ? { parameters: [...params, ...query, ...ifMatch] } : {}),
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: schema(op.body, 'input') } } } } : {}),
    responses: { [String(op.status)]: answer, 400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR, 409: ERROR, 412: ERROR, 413: ERROR, 415: ERROR, 429: ERROR },
  };
}
