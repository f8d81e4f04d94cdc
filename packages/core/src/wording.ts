/**
 * Small wording helpers shared by core's messages and the CLI's help and tables, so a phrase is
 * built one way everywhere. Dependency-free: the CLI's command tree loads it on every start
 * (through component-types.ts).
 */
import type { FlavorSource } from "./flavor-terms.ts";

/** "a metadata store", "an artifact store". */
export function withArticle(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? "an" : "a"} ${noun}`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "a", "a and b", "a, b and c". */
export function listWords(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/** Where a flavor comes from, as tables and messages show it: `@zen/core (built-in)`, `pkg@1.2.3`, `custom: ./x.ts#y`. */
export function flavorSourceLabel(source: FlavorSource): string {
  switch (source.kind) {
    case "builtin":
      return "@zen/core (built-in)";
    case "package":
      return `${source.package}@${source.version}`;
    case "custom":
      return `custom: ${source.specifier}`;
  }
}
