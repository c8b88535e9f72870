/**
 * RFC 9396 detail validation (zod schemas per type) and the grant policy: valid
 * details pass, anything else yields one line naming only members the type defines.
 */
import { detailProblem, detailRefusal, detailsRefusal, requiredPermissions, MAX_DETAILS, type AuthorizationDetail } from '../../../src/authz/index.js';

const API = 'https://api.example';
const doc = (extra: Record<string, unknown> = {}) => ({ type: 'document_access', actions: ['read'], ...extra });
const pay = (extra: Record<string, unknown> = {}) => ({
  type: 'payment_initiation', instructedAmount: { currency: 'EUR', amount: '10.5' }, creditorName: 'Shop',
  creditorAccount: { iban: 'DE02100100109307118603' }, ...extra,
});

describe('detailProblem', () => {
  it.each([
    doc(), doc({ actions: ['read', 'write', 'delete'] }), doc({ locations: [API], identifier: 'doc 1', datatypes: ['pdf', 'csv'] }),
    pay(), pay({ locations: [API], remittanceInformationUnstructured: 'Ref 1' }),
    pay({ instructedAmount: { currency: 'USD', amount: '999999999999.99' } }),
  ])('accepts %j', (detail) => {
    expect(detailProblem(detail)).toBeUndefined();
  });

  it.each<[unknown, string]>([
    [null, 'unsupported authorization details type'],
    ['document_access', 'unsupported authorization details type'],
    [{ type: 'constructor' }, 'unsupported authorization details type'],
    [{ type: '__proto__' }, 'unsupported authorization details type'],
    [{ type: 'hasOwnProperty', actions: ['read'] }, 'unsupported authorization details type'],
    [doc({ actions: ['admin'] }), "document_access: 'actions' is missing or invalid"],
    [doc({ actions: undefined }), "document_access: 'actions' is missing or invalid"],
    [doc({ actions: ['read', 'read'] }), "document_access: 'actions' is missing or invalid"],
    [doc({ locations: [] }), "document_access: 'locations' is missing or invalid"],
    [doc({ locations: ['relative/path'] }), "document_access: 'locations' is missing or invalid"],
    [doc({ locations: [`${API}#frag`] }), "document_access: 'locations' is missing or invalid"],
    [doc({ identifier: '' }), "document_access: 'identifier' is missing or invalid"],
    [doc({ identifier: 'say "hi"' }), "document_access: 'identifier' is missing or invalid"],
    [doc({ datatypes: ['a b'] }), "document_access: 'datatypes' is missing or invalid"],
    [doc({ privileges: ['root'] }), 'document_access: unrecognized member'],
    [doc({ evil: 'x' }), 'document_access: unrecognized member'],
    [pay({ instructedAmount: { currency: 'EUR', amount: '10.555' } }), "payment_initiation: 'instructedAmount' is missing or invalid"],
    [pay({ instructedAmount: { currency: 'EUR', amount: '0' } }), "payment_initiation: 'instructedAmount' is missing or invalid"],
    [pay({ instructedAmount: { currency: 'EUR', amount: 10 } }), "payment_initiation: 'instructedAmount' is missing or invalid"],
    [pay({ instructedAmount: { currency: 'EUR', amount: '0010' } }), "payment_initiation: 'instructedAmount' is missing or invalid"],
    [pay({ creditorName: undefined }), "payment_initiation: 'creditorName' is missing or invalid"],
    [pay({ creditorAccount: { iban: 'DE02 1001' } }), "payment_initiation: 'creditorAccount' is missing or invalid"],
    [pay({ actions: ['read'] }), 'payment_initiation: unrecognized member'],
  ])('refuses %j', (detail, problem) => {
    expect(detailProblem(detail)).toBe(problem);
  });

  it('never repeats text from the request', () => {
    const hostile = 'zz<script>zz';
    for (const detail of [doc({ [hostile]: 1 }), doc({ actions: [hostile] }), doc({ identifier: { [hostile]: 1 } }), { type: hostile }]) {
      expect(detailProblem(detail)).not.toContain(hostile);
    }
  });
});

describe('policy', () => {
  const granted = ['documents:read', 'documents:write'];

  it('names the permissions each detail needs', () => {
    expect(requiredPermissions(doc({ actions: ['read', 'delete'] }) as AuthorizationDetail)).toEqual(['documents:read', 'documents:delete']);
    expect(requiredPermissions(pay() as AuthorizationDetail)).toEqual(['payments:initiate']);
  });

  it('grants a detail whose permissions are all held and whose locations name only the audience', () => {
    expect(detailRefusal(doc({ actions: ['read', 'write'], locations: [API] }) as AuthorizationDetail, { audience: API, granted })).toBeUndefined();
    expect(detailRefusal(doc() as AuthorizationDetail, { audience: API, granted })).toBeUndefined();
  });

  it('refuses a detail needing a permission not held', () => {
    expect(detailRefusal(doc({ actions: ['read', 'delete'] }) as AuthorizationDetail, { audience: API, granted })).toMatch(/not granted/);
    expect(detailRefusal(pay() as AuthorizationDetail, { audience: API, granted })).toMatch(/not granted/);
    expect(detailRefusal(doc() as AuthorizationDetail, { audience: API, granted: [] })).toMatch(/not granted/);
  });

  it('refuses locations other than the audience, and any location when the audience is unknown', () => {
    expect(detailRefusal(doc({ locations: [API, 'https://other.example'] }) as AuthorizationDetail, { audience: API, granted })).toMatch(/locations/);
    expect(detailRefusal(doc({ locations: [API] }) as AuthorizationDetail, { audience: undefined, granted })).toMatch(/locations/);
  });

  it('refuses more than MAX_DETAILS details and names the index of a refused one', () => {
    const many = Array.from({ length: MAX_DETAILS + 1 }, () => doc()) as AuthorizationDetail[];
    expect(detailsRefusal(many, { audience: API, granted })).toMatch(/at most/);
    expect(detailsRefusal(many.slice(0, MAX_DETAILS), { audience: API, granted })).toBeUndefined();
    expect(detailsRefusal([doc(), doc({ actions: ['delete'] })] as AuthorizationDetail[], { audience: API, granted })).toMatch(/index 1/);
  });
});
