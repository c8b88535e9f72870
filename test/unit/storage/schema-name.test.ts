import { quoteSchema } from '../../../src/storage/schema-name.js';

describe('quoteSchema', () => {
  it('quotes plain identifiers', () => {
    expect(quoteSchema('public')).toBe('"public"');
    expect(quoteSchema('t_adapter_01')).toBe('"t_adapter_01"');
  });

  it.each(['', '1abc', 'a"b', 'a; DROP SCHEMA public', 'x'.repeat(64)])('rejects %j as misconfiguration', (name) => {
    expect(() => quoteSchema(name)).toThrow(TypeError);
  });
});
