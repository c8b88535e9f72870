/** What the admin API answers, as zod schemas: the OpenAPI document's response bodies. */
import { z } from 'zod';

export const clientView = z.object({
  id: z.string(), grants: z.array(z.string()), scopes: z.array(z.string()), audiences: z.array(z.string()),
  redirectUris: z.array(z.string()), postLogoutRedirectUris: z.array(z.string()), public: z.boolean(), fingerprint: z.string(),
  authMethod: z.string(), dpopBound: z.boolean(), certificateBound: z.boolean(),
  version: z.string().describe('send it back as If-Match to update only the version you read'), createdAt: z.string(),
});

export const clientWithSecret = z.object({
  client: clientView,
  client_secret: z.string().optional().describe('the generated secret, shown once; absent for public clients and TLS client authentication'),
});

export const clientList = z.object({ clients: z.array(clientView) });

export const newSecret = z.object({ client_secret: z.string().describe('shown once; the previous secret stops working within a second (issuer processes reload client records that often)') });

export const resourceView = z.object({
  audience: z.string(), scopes: z.array(z.string()), accessTokenTtl: z.number().int(), introspector: z.string().nullable(),
});

export const resourceList = z.object({ resourceServers: z.array(resourceView) });

export const resourceWithSecret = z.object({
  resourceServer: resourceView,
  opening_secret: z.string().describe('shown once: give it to the resource server as PORTCULLIS_OPENING_SECRET'),
});

export const newOpeningSecret = z.object({ opening_secret: z.string().describe('shown once; tokens sealed under the previous master secret stop opening') });

export const liftedLockouts = z.object({
  risk: z.boolean().describe('a risk lockout was ended (recorded as an override)'),
  throttle: z.number().int().describe('throttle lockouts and spent failure budgets lifted'),
});

export const securityEvent = z.object({
  id: z.string(), at: z.string().describe('ISO 8601'), kind: z.string(), name: z.string(),
  subjectKey: z.string().nullable().describe('the person, pseudonymously'), clientId: z.string().nullable(),
  ipHash: z.string().nullable(), ipCoarse: z.string().nullable(), country: z.string().nullable(), score: z.number(), decision: z.string().nullable(), details: z.unknown(),
});

export const eventPage = z.object({ events: z.array(securityEvent), next: z.string().optional().describe('cursor of the next page') });

export const eventStats = z.object({ counts: z.record(z.string(), z.number()), lockouts: z.number(), overrides: z.number(), overrideRate: z.number() });

export const keyList = z.object({
  signingKeys: z.array(z.object({ kid: z.string(), alg: z.string(), state: z.string(), createdAt: z.string(), retireAfter: z.string().nullable() })),
  masterSecrets: z.array(z.object({ audience: z.string(), version: z.number().int(), createdAt: z.string() })),
});

export const keyRotation = z.object({
  signing: z.object({ rotated: z.boolean(), current: z.string(), next: z.string(), retired: z.array(z.string()) }),
  masters: z.array(z.string()).describe('audiences whose master secret was ratcheted'),
});

export const auditEntry = z.object({
  id: z.string(), at: z.string(), actor: z.string().describe('client:<admin client id> or cli:<OS user>'), operation: z.string(), target: z.string(),
  fields: z.array(z.string()).describe('names of the fields the change set, never their values'),
  ipHash: z.string().nullable(), ipCoarse: z.string().nullable(),
});

export const auditPage = z.object({ entries: z.array(auditEntry), next: z.string().optional().describe('cursor of the next page') });

export const errorBody = z.object({ error: z.string(), error_description: z.string().optional() });
