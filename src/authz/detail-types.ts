/**
 * The Rich Authorization Requests (RFC 9396) types Portcullis accepts, each a zod
 * schema (strict: unknown members are refused, RFC 9396 §2 lets the AS define a
 * type's members) and the permissions a subject must hold to be given such a detail.
 *
 * document_access  read, write or delete documents at a resource server, optionally
 *                  one document (`identifier`) or some kinds of data (`datatypes`).
 *                  Each action A needs permission `documents:A`.
 * payment_initiation  one payment of `instructedAmount` to `creditorAccount` (IBAN).
 *                  Needs permission `payments:initiate`.
 * Both allow `locations`: resource server URIs (RFC 9396 §2.2); see policy.ts.
 */
import { z } from 'zod';
import { isAbsoluteUrl } from '../registry/index.js';

// printable ASCII and no quotes or backslashes: identifiers end up in logs and UIs
const text = (max: number) => z.string().min(1).max(max).regex(/^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/);
const unique = (values: string[]) => new Set(values).size === values.length;
const locations = z.array(z.string().max(2048).refine(isAbsoluteUrl)).min(1).max(8).refine(unique).optional();

const documentAccess = z.strictObject({
  type: z.literal('document_access'),
  actions: z.array(z.enum(['read', 'write', 'delete'])).min(1).max(3).refine(unique),
  locations,
  identifier: text(256).optional(),
  datatypes: z.array(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/)).min(1).max(16).refine(unique).optional(),
});

const paymentInitiation = z.strictObject({
  type: z.literal('payment_initiation'),
  locations,
  instructedAmount: z.strictObject({
    currency: z.string().regex(/^[A-Z]{3}$/),
    amount: z.string().regex(/^(0|[1-9]\d{0,11})(\.\d{1,2})?$/).refine((a) => Number(a) > 0),
  }),
  creditorName: text(140),
  creditorAccount: z.strictObject({ iban: z.string().regex(/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/) }),
  remittanceInformationUnstructured: text(140).optional(),
});

export type DocumentAccess = z.infer<typeof documentAccess>;
export type PaymentInitiation = z.infer<typeof paymentInitiation>;
export type AuthorizationDetail = DocumentAccess | PaymentInitiation;

interface DetailType<T> { schema: z.ZodType<T>; members: string[]; requires(detail: T): string[] }

/** Every accepted type by name. */
export const DETAIL_TYPES: { document_access: DetailType<DocumentAccess>; payment_initiation: DetailType<PaymentInitiation> } = {
  document_access: { schema: documentAccess, members: Object.keys(documentAccess.shape), requires: (d) => d.actions.map((a) => `documents:${a}`) },
  payment_initiation: { schema: paymentInitiation, members: Object.keys(paymentInitiation.shape), requires: () => ['payments:initiate'] },
};

export type DetailTypeName = keyof typeof DETAIL_TYPES;
export const DETAIL_TYPE_NAMES = Object.keys(DETAIL_TYPES) as DetailTypeName[];

function typeOf(detail: unknown): DetailType<AuthorizationDetail> | undefined {
  const name = (detail as { type?: unknown } | null)?.type;
  if (typeof name !== 'string' || !Object.hasOwn(DETAIL_TYPES, name)) return undefined;
  return DETAIL_TYPES[name as DetailTypeName] as DetailType<AuthorizationDetail>;
}

/**
 * Checks one detail against its type; returns the problem in one line, or undefined.
 * The line names only members the type defines, never text from the request.
 */
export function detailProblem(detail: unknown): string | undefined {
  const type = typeOf(detail);
  if (!type) return 'unsupported authorization details type';
  const result = type.schema.safeParse(detail);
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  const member = issue.code === 'unrecognized_keys' ? undefined : issue.path[0];
  const name = (detail as { type: string }).type;
  return typeof member === 'string' && type.members.includes(member)
    ? `${name}: '${member}' is missing or invalid`
    : `${name}: unrecognized member`;
}

/** The permissions a (valid) detail needs. */
export function requiredPermissions(detail: AuthorizationDetail): string[] {
  return typeOf(detail)?.requires(detail) ?? [];
}
