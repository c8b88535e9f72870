/**
 * Every operation of the admin API, once: its method and path, the scope it needs, the
 * schemas of its input and answer, and the admin service function it calls. The route
 * table and the OpenAPI document are both built from this list, so a route without its
 * description cannot exist.
 */
import type { z } from 'zod';
import {
  allClients, allResources, liftClientLockouts, listKeys, rotateKeys, rotateInput, eventQuery, listSecurityEvents, securityEventStats, statsQuery, auditQuery, clientInput, createClient, createResource, deleteResource, readResource, rekeyResource, replaceResource, resourceInput, deleteClient, listAudit, parse, readClient, replaceClient, rotateClientSecret,
  type Actor, type AdminDeps, type AdminScope,
} from '../admin/index.js';
import { auditPage, keyList, keyRotation, eventPage, eventStats, liftedLockouts, clientList, clientView, clientWithSecret, newOpeningSecret, newSecret, resourceList, resourceView, resourceWithSecret } from './views.js';

export interface AdminRequest {
  /** path parameters, percent-decoded */
  params: Record<string, string>;
  query: Record<string, string>;
  body?: unknown;
  actor: Actor;
  /** the If-Match version (RFC 9110 §13.1.1), quotes removed */
  ifMatch?: string;
}

export interface Operation {
  id: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `:name` segments are path parameters */
  path: string;
  scope: AdminScope;
  summary: string;
  query?: z.ZodType;
  body?: z.ZodType;
  /** success status and body (none for 204) */
  status: 200 | 201 | 204;
  answer?: z.ZodType;
  run(deps: AdminDeps, req: AdminRequest): Promise<unknown>;
}

export const ADMIN_PREFIX = '/admin/v1';

const secretOf = (secret: string) => (secret ? { client_secret: secret } : {});

export const OPERATIONS: readonly Operation[] = [
  {
    id: 'listClients', method: 'GET', path: `${ADMIN_PREFIX}/clients`, scope: 'admin:read', summary: 'List registered clients (never their secrets)',
    status: 200, answer: clientList, run: async (deps) => ({ clients: await allClients(deps.db) }),
  },
  {
    id: 'createClient', method: 'POST', path: `${ADMIN_PREFIX}/clients`, scope: 'admin:write', summary: 'Register a client; its generated secret is answered once',
    body: clientInput, status: 201, answer: clientWithSecret,
    run: async (deps, req) => { const r = await createClient(deps, req.actor, req.body); return { client: r.client, ...secretOf(r.secret) }; },
  },
  {
    id: 'getClient', method: 'GET', path: `${ADMIN_PREFIX}/clients/:id`, scope: 'admin:read', summary: 'Read one client',
    status: 200, answer: clientView, run: (deps, req) => readClient(deps.db, req.params.id),
  },
  {
    id: 'replaceClient', method: 'PUT', path: `${ADMIN_PREFIX}/clients/:id`, scope: 'admin:write',
    summary: 'Replace a client\'s registration (the secret is kept unless one is given); with If-Match, only the version read',
    body: clientInput, status: 200, answer: clientWithSecret,
    run: async (deps, req) => { const r = await replaceClient(deps, req.actor, req.params.id, req.body, req.ifMatch); return { client: r.client, ...secretOf(r.secret) }; },
  },
  {
    id: 'deleteClient', method: 'DELETE', path: `${ADMIN_PREFIX}/clients/:id`, scope: 'admin:write', summary: 'Remove a client; its tokens stop opening at once',
    status: 204, run: async (deps, req) => { await deleteClient(deps, req.actor, req.params.id); },
  },
  {
    id: 'rotateClientSecret', method: 'POST', path: `${ADMIN_PREFIX}/clients/:id/secret`, scope: 'admin:write', summary: 'Replace a client\'s secret with a generated one, answered once',
    status: 200, answer: newSecret, run: async (deps, req) => ({ client_secret: await rotateClientSecret(deps, req.actor, req.params.id) }),
  },
  {
    id: 'listResourceServers', method: 'GET', path: `${ADMIN_PREFIX}/resource-servers`, scope: 'admin:read', summary: 'List resource servers',
    status: 200, answer: resourceList, run: async (deps) => ({ resourceServers: await allResources(deps.db) }),
  },
  {
    id: 'createResourceServer', method: 'POST', path: `${ADMIN_PREFIX}/resource-servers`, scope: 'admin:write',
    summary: 'Register a resource server; the opening secret its tokens are opened with is answered once',
    body: resourceInput, status: 201, answer: resourceWithSecret,
    run: async (deps, req) => { const r = await createResource(deps, req.actor, req.body); return { resourceServer: r.resource, opening_secret: r.openingSecret }; },
  },
  {
    id: 'getResourceServer', method: 'GET', path: `${ADMIN_PREFIX}/resource-servers/:audience`, scope: 'admin:read', summary: 'Read one resource server (the audience percent-encoded in the path)',
    status: 200, answer: resourceView, run: (deps, req) => readResource(deps.db, req.params.audience),
  },
  {
    id: 'replaceResourceServer', method: 'PUT', path: `${ADMIN_PREFIX}/resource-servers/:audience`, scope: 'admin:write',
    summary: 'Replace a resource server\'s scopes, token lifetime and introspector (its keys stay)',
    body: resourceInput, status: 200, answer: resourceView, run: (deps, req) => replaceResource(deps, req.actor, req.params.audience, req.body),
  },
  {
    id: 'deleteResourceServer', method: 'DELETE', path: `${ADMIN_PREFIX}/resource-servers/:audience`, scope: 'admin:write', summary: 'Remove a resource server; its tokens stop opening at once',
    status: 204, run: async (deps, req) => { await deleteResource(deps, req.actor, req.params.audience); },
  },
  {
    id: 'rekeyResourceServer', method: 'POST', path: `${ADMIN_PREFIX}/resource-servers/:audience/master-secret`, scope: 'admin:write',
    summary: 'Replace the master secret (tokens sealed under the old one stop opening); the new opening secret is answered once',
    status: 200, answer: newOpeningSecret, run: async (deps, req) => ({ opening_secret: await rekeyResource(deps, req.actor, req.params.audience) }),
  },
  {
    id: 'liftClientLockouts', method: 'DELETE', path: `${ADMIN_PREFIX}/lockouts/clients/:id`, scope: 'admin:write',
    summary: 'End the client\'s risk lockout and its throttle lockouts and spent failure budgets (what answers 429 at /token)',
    status: 200, answer: liftedLockouts, run: (deps, req) => liftClientLockouts(deps, req.actor, req.params.id),
  },
  {
    id: 'listSecurityEvents', method: 'GET', path: `${ADMIN_PREFIX}/security-events`, scope: 'admin:read',
    summary: 'The security event log (risk signals, decisions, admin overrides), newest first, with filters and a cursor',
    query: eventQuery, status: 200, answer: eventPage, run: (deps, req) => listSecurityEvents(deps.db, parse(eventQuery, req.query)),
  },
  {
    id: 'securityEventStats', method: 'GET', path: `${ADMIN_PREFIX}/security-events/stats`, scope: 'admin:read',
    summary: 'Security event counts per kind and name since a time, and the share of lockouts an admin ended',
    query: statsQuery, status: 200, answer: eventStats, run: (deps, req) => securityEventStats(deps.db, parse(statsQuery, req.query).since),
  },
  {
    id: 'listKeys', method: 'GET', path: `${ADMIN_PREFIX}/keys`, scope: 'admin:read', summary: 'Signing keys and master secret versions (never key material)',
    status: 200, answer: keyList, run: (deps) => listKeys(deps.db),
  },
  {
    id: 'rotateKeys', method: 'POST', path: `${ADMIN_PREFIX}/keys/rotate`, scope: 'admin:write',
    summary: 'Rotate the signing key now (the new next key is published before it signs) and the master secrets that are due',
    body: rotateInput, status: 200, answer: keyRotation,
    run: (deps, req) => rotateKeys(deps, req.actor, { masters: parse(rotateInput, req.body).masters }),
  },
  {
    id: 'listAudit', method: 'GET', path: `${ADMIN_PREFIX}/audit`, scope: 'admin:read', summary: 'The audit trail, newest first, with filters and a cursor',
    query: auditQuery, status: 200, answer: auditPage, run: (deps, req) => listAudit(deps.db, parse(auditQuery, req.query)),
  },
];
