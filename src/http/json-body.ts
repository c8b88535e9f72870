/**
 * JSON bodies answered many times over (the introspection answer of a cached token),
 * serialized once: `preserialized` freezes a private copy and remembers its text, and
 * the lane's `jsonText` sends that text. Frozen all the way down, the copy cannot drift
 * from its text; any other body is serialized as usual.
 */
const texts = new WeakMap<object, string>();

/** A deep-frozen copy of `body` whose JSON text is remembered. */
export function preserialized<T extends object>(body: T): T {
  const copy = deepFreeze(structuredClone(body));
  texts.set(copy, JSON.stringify(copy));
  return copy;
}

/** The JSON text of a body: the remembered one for a preserialized body. */
export function jsonText(body: unknown): string {
  const known = typeof body === 'object' && body !== null ? texts.get(body) : undefined;
  return known ?? JSON.stringify(body);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
