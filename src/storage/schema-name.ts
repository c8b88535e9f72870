/** PostgreSQL identifiers we accept for a schema name: no quoting surprises, no injection. */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Validates a schema name and returns it double-quoted for use in SQL.
 * @throws TypeError when the name is not a plain identifier.
 */
export function quoteSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new TypeError(`storage.schema: "${schema}" is not a plain identifier ([A-Za-z_][A-Za-z0-9_]*)`);
  }
  return `"${schema}"`;
}
