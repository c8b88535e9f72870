/**
 * The narrowing rule with fixed vectors: a token's permissions are the subject's
 * granted permissions that are within the granted scope, exactly as documented in
 * src/authz/narrow.ts, and hostile or malformed grants never reach a token.
 */
import { isPermission, narrowPermissions, permissionsProblem, splitPermissions, withinScope } from '../../../src/authz/index.js';

const GRANTED = ['invoices:read', 'invoices:write', 'invoices:lines:write', 'reports:read', 'reports', 'admin:keys:rotate', 'billing'];

describe('narrowPermissions: fixed vectors', () => {
  it.each<[string | undefined, string[]]>([
    [undefined, []],
    ['', []],
    ['openid offline_access', []],
    ['invoices:read', ['invoices:read']],
    ['invoices', ['invoices:lines:write', 'invoices:read', 'invoices:write']],
    ['invoices:lines', []],
    ['reports', ['reports', 'reports:read']],
    ['reports:read', ['reports:read']],
    ['reports:read:extra', []],
    ['billing', ['billing']],
    ['billing:read', []],
    ['admin', ['admin:keys:rotate']],
    ['admin:keys', []],
    ['invoices:read reports:read', ['invoices:read', 'reports:read']],
    ['  invoices:read   reports  ', ['invoices:read', 'reports', 'reports:read']],
    ['INVOICES', []],
    ['invoice', []],
    ['invoicesx', []],
    ['*', []],
    ['invoices:*', []],
    [':read', []],
  ])('scope %j gives %j', (scope, expected) => {
    expect(narrowPermissions(GRANTED, scope)).toEqual(expected);
  });

  it('never returns a permission that was not granted, whatever the scope', () => {
    const scope = 'invoices reports admin billing invoices:delete reports:export';
    const result = narrowPermissions(GRANTED, scope);
    expect(result.every((p) => GRANTED.includes(p))).toBe(true);
    expect(result).not.toContain('invoices:delete');
  });

  it('is sorted and without duplicates', () => {
    expect(narrowPermissions(['b:x', 'a:y', 'b:x', 'a:y'], 'a b')).toEqual(['a:y', 'b:x']);
  });
});

describe('narrowPermissions: hostile grants are dropped, never emitted', () => {
  it.each<[string, unknown[], string]>([
    ['non-strings', [42, null, undefined, {}, ['invoices:read'], true], 'invoices invoices:read'],
    ['empty and whitespace names', ['', ' ', 'invoices:read invoices:write', '\tinvoices'], 'invoices'],
    ['empty segments', ['invoices:', 'invoices::read', ':read', ':'], 'invoices'],
    ['wildcards and odd characters', ['*', 'invoices:*', 'invoices:"read"', 'invoices:re\\ad', 'invoices:rëad'], 'invoices *'],
    ['control characters', ['invoices:read\u0000', 'invoices\nadmin', 'invoices:read\r'], 'invoices'],
    ['prototype names', ['__proto__', 'constructor', 'hasOwnProperty', 'toString:x'], 'toString'],
    ['an over-long name', ['invoices:' + 'r'.repeat(200)], 'invoices'],
  ])('%s', (_name, granted, scope) => {
    const result = narrowPermissions(granted, scope);
    expect(result.filter((p) => p !== 'toString:x')).toEqual([]);
    for (const p of result) expect(isPermission(p)).toBe(true);
  });

  it('prototype names are compared as plain strings (no object lookups)', () => {
    expect(narrowPermissions(['__proto__', 'constructor:x'], 'constructor __proto__')).toEqual(['__proto__', 'constructor:x']);
    expect(narrowPermissions(['constructor:x'], 'toString valueOf')).toEqual([]);
  });

  it('a scope that is not a string grants nothing', () => {
    expect(narrowPermissions(GRANTED, 42 as unknown as string)).toEqual([]);
    expect(narrowPermissions(GRANTED, ['invoices'] as unknown as string)).toEqual([]);
  });
});

describe('withinScope', () => {
  it('matches the whole permission or its first segment only', () => {
    const scopes = new Set(['invoices', 'reports:read']);
    expect(withinScope('invoices:read', scopes)).toBe(true);
    expect(withinScope('invoices', scopes)).toBe(true);
    expect(withinScope('reports:read', scopes)).toBe(true);
    expect(withinScope('reports:write', scopes)).toBe(false);
    expect(withinScope('reports', scopes)).toBe(false);
  });
});

describe('permission names', () => {
  it.each(['invoices', 'invoices:read', 'documents:reports:export', 'a.b_c~d-e/f', 'x'.repeat(128)])('accepts %s', (name) => {
    expect(isPermission(name)).toBe(true);
    expect(permissionsProblem([name])).toBeUndefined();
  });

  it.each(['', 'invoices:', ':read', 'a::b', 'a b', 'a,b', '*', 'a:*', 'é', 'x'.repeat(129), 'a\u0000'])('refuses %j', (name) => {
    expect(isPermission(name)).toBe(false);
    expect(permissionsProblem(['ok', name])).toMatch(/^invalid permission/);
  });

  it('splits lists on spaces and commas, once each', () => {
    expect(splitPermissions(' a:b, c  a:b,,d ')).toEqual(['a:b', 'c', 'd']);
    expect(splitPermissions(undefined)).toEqual([]);
  });
});
