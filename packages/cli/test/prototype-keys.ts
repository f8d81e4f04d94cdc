/** Names that hit Object.prototype when used to index a plain object: every such key, for tests of user-typed names. */
export const PROTOTYPE_KEYS: readonly string[] = [
  ...new Set([
    "__proto__",
    "constructor",
    "toString",
    "valueOf",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toLocaleString",
    "__defineGetter__",
    "__defineSetter__",
    "__lookupGetter__",
    "__lookupSetter__",
    ...Object.getOwnPropertyNames(Object.prototype),
  ]),
];
