/**
 * The input of every admin operation, as zod schemas: the admin CLI builds the same
 * object from its options as the admin API reads from a JSON body, and both are parsed
 * here, so both refuse bad input with the same message. The OpenAPI document is
 * generated from these schemas too. Objects are strict: an unknown field is refused,
 * never ignored.
 */
import { z } from 'zod';
import { clientProblem, resourceProblem, AUTH_METHODS } from '../registry/index.js';
import { FINGERPRINT_POLICIES } from '../fingerprint/index.js';
import { invalidInput } from './errors.js';

/** A record id as it appears in a path: no slashes, dots-only or control characters. */
export const CLIENT_ID = /^[A-Za-z0-9._~-]{1,128}$/;

const text = (max: number) => z.string().max(max);
const list = (max: number, item = 2048) => z.array(text(item)).max(max);

export const clientBinding = z.strictObject({
  authMethod: z.enum(AUTH_METHODS).optional(),
  tlsSubjectDn: text(1024).optional(),
  tlsSanDns: text(253).optional(),
  certificates: list(4, 16384).optional(),
  certificateBound: z.boolean().optional(),
  dpopBound: z.boolean().optional(),
});

/** A client registration, in full (an update replaces it). */
export const clientInput = z.strictObject({
  id: text(128),
  grants: list(3, 64).default(['client_credentials']),
  scopes: list(64, 256).default([]),
  audiences: list(32).default([]),
  redirectUris: list(32).optional(),
  postLogoutRedirectUris: list(32).optional(),
  public: z.boolean().optional(),
  fingerprint: z.enum(FINGERPRINT_POLICIES).optional(),
  binding: clientBinding.optional(),
  /** what people see on the consent screen (OIDC Registration §2 client_name, logo_uri, policy_uri, tos_uri) */
  name: text(128).optional(),
  logoUri: text(2048).optional(),
  policyUri: text(2048).optional(),
  tosUri: text(2048).optional(),
  /** a secret chosen by the caller (at least 32 characters); otherwise one is generated */
  secret: text(512).optional(),
}).superRefine((input, ctx) => {
  const problem = clientProblem(input);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
export type ClientInputBody = z.input<typeof clientInput>;

/** A resource server's registration (the audience comes from the path on update). */
export const resourceInput = z.strictObject({
  audience: text(2048),
  scopes: list(64, 256).min(1, 'a resource server needs at least one scope'),
  /** seconds; ACCESS_TOKEN_TTL when absent */
  accessTokenTtl: z.number().int().optional(),
  /** the client that authenticates at /introspect for this resource server */
  introspector: z.string().regex(CLIENT_ID, 'introspector must be a client id').optional(),
  /** what the consent screen calls it, and a sentence per scope */
  name: text(128).optional(),
  scopeDescriptions: z.record(z.string().max(64), z.string().max(512)).optional(),
}).superRefine((input, ctx) => {
  const problem = resourceProblem({ ...input, accessTokenTtl: input.accessTokenTtl ?? 900 });
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
export type ResourceInputBody = z.input<typeof resourceInput>;

/**
 * The security event log's filters and page: people by their pseudonymous subject key
 * only (looking a person up by name stays a CLI action, recorded in the privacy audit).
 */
export const eventQuery = z.strictObject({
  kind: z.enum(['signal', 'decision', 'override']).optional(),
  name: text(64).optional(),
  key: z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'key must be a subject key (22 base64url characters)').optional(),
  client: z.string().regex(CLIENT_ID, 'client must be a client id').optional(),
  since: z.iso.datetime().optional(),
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type EventQueryInput = z.output<typeof eventQuery>;

/** The period of the event statistics. */
export const statsQuery = z.strictObject({ since: z.iso.datetime() });

/** What `POST /admin/v1/keys/rotate` rotates besides the signing key. */
export const rotateInput = z.strictObject({ masters: z.boolean().optional().describe('ratchet every master secret now, not only those due') });

/** The audit trail's filters and page (cursor: the id of the last entry of the previous page). */
export const auditQuery = z.strictObject({
  target: text(2048).optional(),
  operation: text(64).optional(),
  actor: text(200).optional(),
  since: z.iso.datetime().optional(),
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AuditQuery = z.output<typeof auditQuery>;

/** Parses `value` with `schema`, or refuses it (400) naming the first problem in one line. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  throw invalidInput(`${where}${issue.message}`);
}
