/**
 * The secret values each loaded component was given (its secret fields' references, resolved), so
 * that text zen persists while the component is in use (a step's log) can be scrubbed of them with
 * `redact`. Held weakly: forgotten with the component.
 */
const resolved = new WeakMap<object, readonly string[]>();

/** Called where a component is constructed from a config whose secret references were resolved. */
export function rememberSecretValues(component: object, values: readonly unknown[]): void {
  const strings = values.filter((v): v is string => typeof v === "string" && v.length > 0);
  if (strings.length > 0) resolved.set(component, strings);
}

/** Every secret value the given components were constructed with. */
export function secretValuesOf(components: Iterable<object>): string[] {
  const values = new Set<string>();
  for (const component of components) for (const value of resolved.get(component) ?? []) values.add(value);
  return [...values];
}
