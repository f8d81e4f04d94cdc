/** What a profile's stack store holds. Both store types (`local` YAML, `sql` SQLite) hold exactly this. */
import type { ComponentType } from "../component-types.ts";
import type { ComponentRecord } from "../stack-component.ts";

export type { ComponentRecord };

export interface StackRecord {
  id: string;
  name: string;
  /** component type → component name */
  components: Partial<Record<ComponentType, string>>;
  createdAt?: string;
  updatedAt?: string;
}

/** A user-registered flavor: `module#export`, resolved from the project root. */
export interface CustomFlavorRecord {
  type: ComponentType;
  name: string;
  /** e.g. `./src/my-store.ts#myStoreFlavor` or `my-package/flavors#s3`. */
  specifier: string;
  /** Directory the specifier is resolved from (the repository or project root at registration). */
  root: string;
}

export interface StoreSnapshot {
  components: ComponentRecord[];
  stacks: StackRecord[];
  flavors: CustomFlavorRecord[];
}

export type StoreType = "local" | "sql";

export interface StackStore {
  readonly type: StoreType;
  /** `file:///…/profiles/default` or `sqlite:///…/zen.db` */
  readonly url: string;
  /** A consistent snapshot (no lock held after it returns). */
  read(): Promise<StoreSnapshot>;
  /**
   * Runs `change` on a fresh snapshot under an exclusive cross-process lock and commits the result
   * atomically; if `change` throws, nothing is written.
   */
  transact<T>(change: (draft: StoreSnapshot) => T | Promise<T>): Promise<T>;
  close(): void;
}
