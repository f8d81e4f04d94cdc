/**
 * The conformance suite for profile stack stores (`StackStore`): the YAML and SQLite stores built
 * in, and every driver a package contributes through `"stores"` (MySQL/MariaDB, PostgreSQL). It checks
 * what the facade relies on: snapshots round-trip exactly (order, optional fields, configurations),
 * a failed change writes nothing, the store refuses inconsistent snapshots, a second handle (another
 * process or machine) sees every commit, and concurrent writers through separate handles lose nothing.
 *
 *   describeStackStoreConformance("postgres", async () => ({ open: () => driver.open(url, env), cleanup }));
 *
 * It registers Jest tests (`@jest/globals`), so call it at the top level of a test file.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { ComponentRecord, StackStore, StoreSnapshot } from "../store/records.ts";
import { expectRejection } from "./expect-error.ts";

export interface StackStoreFixture {
  /** Opens a new handle on the same (initially empty) store; each call stands for another process. */
  open: () => Promise<StackStore>;
  /** Called once after the suite, e.g. to drop the database. */
  cleanup?: () => Promise<void>;
}

export interface StackStoreConformanceOptions {
  /** Per-test timeout (default 60 s). */
  timeoutMs?: number;
  /** Handles writing at once in the concurrency test, and registrations each (default 4 × 10). */
  writers?: number;
  registrationsPerWriter?: number;
  /**
   * False for a store whose handles block the whole process while waiting for another handle's lock
   * (better-sqlite3 waits synchronously): its writers then share one handle. Separate processes
   * cover its cross-handle case. Default true.
   */
  concurrentHandlesInOneProcess?: boolean;
}

function component(name: string, extra: Partial<ComponentRecord> = {}): ComponentRecord {
  return {
    id: randomUUID(),
    type: "artifact_store",
    name,
    flavor: "local",
    config: { path: `/data/${name}`, nested: { list: [1, "two", { three: 3 }] }, note: "ünïcødé ✓", secret: "{{team.key}}" },
    ...extra,
  };
}

/** Stores may group components by type (the YAML store keeps a file per type); order within a type is kept. */
function byType(snapshot: StoreSnapshot): StoreSnapshot {
  const types = [...new Set(snapshot.components.map((c) => c.type))].sort();
  return { ...snapshot, components: types.flatMap((type) => snapshot.components.filter((c) => c.type === type)) };
}

export function describeStackStoreConformance(name: string, makeFixture: () => Promise<StackStoreFixture>, options: StackStoreConformanceOptions = {}): void {
  const timeout = options.timeoutMs ?? 60_000;
  const writers = options.writers ?? 4;
  const perWriter = options.registrationsPerWriter ?? 10;
  const ownHandles = options.concurrentHandlesInOneProcess ?? true;

  describe(`stack store conformance: ${name}`, () => {
    let fixture: StackStoreFixture;
    let store: StackStore;
    const handles: StackStore[] = [];
    const open = async () => {
      const handle = await fixture.open();
      handles.push(handle);
      return handle;
    };

    beforeAll(async () => {
      fixture = await makeFixture();
      store = await open();
    }, timeout);

    afterAll(async () => {
      try {
        for (const handle of handles.splice(0)) handle.close();
      } finally {
        await fixture?.cleanup?.();
      }
    }, timeout);

    it(
      "starts empty and names its type and URL",
      async () => {
        expect(await store.read()).toEqual({ components: [], stacks: [], flavors: [] });
        expect(["local", "sql"]).toContain(store.type);
        expect(store.url).toMatch(/^[a-z][a-z0-9+.-]*:/);
      },
      timeout,
    );

    it(
      "round-trips components, stacks and custom flavors exactly, in order (components grouped by type)",
      async () => {
        const written: StoreSnapshot = {
          components: [
            component("zeta", { package: "@zen/integration-s3", createdAt: "2030-01-01T00:00:00.000Z", updatedAt: "2030-01-02T00:00:00.000Z" }),
            component("alpha"),
            component("runner", { type: "orchestrator", config: {} }),
          ],
          stacks: [
            { id: randomUUID(), name: "s2", components: { artifact_store: "zeta", orchestrator: "runner" }, createdAt: "2030-01-03T00:00:00.000Z" },
            { id: randomUUID(), name: "s1", components: { artifact_store: "alpha" } },
          ],
          flavors: [{ type: "artifact_store", name: "mine", specifier: "./src/mine.ts#mine", root: "/project" }],
        };
        const result = await store.transact((draft) => {
          draft.components.push(...structuredClone(written.components));
          draft.stacks.push(...structuredClone(written.stacks));
          draft.flavors.push(...structuredClone(written.flavors));
          return "done";
        });
        expect(result).toBe("done");
        expect(byType(await store.read())).toEqual(byType(written));
        const other = await open();
        expect(byType(await other.read())).toEqual(byType(written));
      },
      timeout,
    );

    it(
      "writes nothing when the change throws",
      async () => {
        const before = await store.read();
        await expect(
          store.transact((draft) => {
            draft.components.push(component("half-written"));
            draft.stacks.splice(0);
            throw new Error("change failed");
          }),
        ).rejects.toThrow("change failed");
        expect(await store.read()).toEqual(before);
      },
      timeout,
    );

    it(
      "refuses a snapshot that breaks the store's invariants, and writes nothing",
      async () => {
        const before = await store.read();
        await expectRejection(
          store.transact((draft) => {
            draft.components.push(component("twin"), component("twin"));
          }),
          "ZEN_CONFLICT",
          { mentions: "twin" },
        );
        await expect(
          store.transact((draft) => {
            draft.stacks.push({ id: randomUUID(), name: "dangling", components: { artifact_store: "missing" } });
          }),
        ).rejects.toThrow(/missing/);
        expect(await store.read()).toEqual(before);
      },
      timeout,
    );

    it(
      "gives each change a fresh snapshot, with another handle's commits in it",
      async () => {
        const other = await open();
        await other.transact((draft) => {
          draft.components.push(component("from-other"));
        });
        const seen = await store.transact((draft) => draft.components.map((c) => c.name));
        expect(seen).toContain("from-other");
        await store.transact((draft) => {
          draft.components = draft.components.filter((c) => c.name !== "from-other");
        });
        expect((await other.read()).components.map((c) => c.name)).not.toContain("from-other");
      },
      timeout,
    );

    it(
      `loses nothing with ${writers} handles × ${perWriter} concurrent registrations and concurrent updates of different keys`,
      async () => {
        const writerHandles = ownHandles ? await Promise.all(Array.from({ length: writers }, () => open())) : Array.from({ length: writers }, () => store);
        await Promise.all(
          writerHandles.map((handle, w) =>
            Promise.all(
              Array.from({ length: perWriter }, (_, i) =>
                handle.transact((draft) => {
                  draft.components.push(component(`w${w}-c${i}`));
                }),
              ),
            ),
          ),
        );
        // Each writer updates its own key of one shared component, all at once.
        await store.transact((draft) => {
          draft.components.push(component("shared", { config: {} }));
        });
        await Promise.all(
          writerHandles.map((handle, w) =>
            handle.transact((draft) => {
              const shared = draft.components.find((c) => c.name === "shared")!;
              shared.config = { ...shared.config, [`key${w}`]: w };
            }),
          ),
        );
        const names = new Set((await store.read()).components.map((c) => c.name));
        for (let w = 0; w < writers; w++) for (let i = 0; i < perWriter; i++) expect(names).toContain(`w${w}-c${i}`);
        const shared = (await store.read()).components.find((c) => c.name === "shared")!;
        expect(shared.config).toEqual(Object.fromEntries(Array.from({ length: writers }, (_, w) => [`key${w}`, w])));
      },
      timeout,
    );

    it(
      "keeps everything after close and reopen",
      async () => {
        const before = await store.read();
        store.close();
        handles.splice(handles.indexOf(store), 1);
        store = await open();
        expect(await store.read()).toEqual(before);
      },
      timeout,
    );
  });
}
