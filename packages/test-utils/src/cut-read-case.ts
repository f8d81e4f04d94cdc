/**
 * Reads that survive a dropped connection, one case list for every object-store backend: through a
 * proxy that cuts the download halfway, the store asks for the rest from the offset reached and the
 * reader gets every byte once; when the cuts keep coming, the reader gets the store's "unreachable"
 * error after the retries, not a raw socket error.
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { rejectionOf } from "./rejection.ts";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";

const MiB = 1024 * 1024;
const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** The store's side the case uses (an artifact store of the backend under test). */
export interface CutReadStore {
  openRead(uri: string): Promise<AsyncIterable<unknown>>;
  writeBytes(uri: string, data: Uint8Array): Promise<void>;
}

export interface CutReadFixture<Store extends CutReadStore> {
  /** The server's endpoint (the proxy sits in front of it). */
  endpoint: string;
  /** A store named `name` reaching the server at `endpoint`; without arguments, the server directly. */
  store(endpoint?: string, name?: string): Store;
  /** Where the 8 MiB object is written and read back. */
  uri: string;
  dispose(): Promise<void>;
}

export interface CutReadOptions<Store extends CutReadStore> {
  title: string;
  /** The reading store's component name, which the give-up error must name. */
  storeName: string;
  /** The store class's `readRetries`. */
  readRetries: number;
  /** `STORE_ERROR_CODES` of `@zen/core/object-store`. */
  codes: { unreachable: string; timeout: string };
  /**
   * `exact`: one cut per attempt and the unreachable error, for a client whose cut request fails at
   * once. `loose`: at least one cut per attempt and the unreachable or timeout error, for a client whose
   * library may retry a cut request of its own and reports nothing on a cut body, so that the store's
   * stall guard notices first.
   */
  giveUp: "exact" | "loose";
  open(): Promise<CutReadFixture<Store>>;
}

async function readAll(store: CutReadStore, uri: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.openRead(uri)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function describeCutReads<Store extends CutReadStore>(options: CutReadOptions<Store>): void {
  const { codes, readRetries } = options;
  describe(options.title, () => {
    let fixture: CutReadFixture<Store>;
    let proxy: TcpProxy;
    let store: Store;
    const data = randomBytes(8 * MiB);

    beforeAll(async () => {
      fixture = await options.open();
      const endpoint = new URL(fixture.endpoint);
      proxy = await startTcpProxy({ host: endpoint.hostname, port: Number(endpoint.port) });
      store = fixture.store(`http://127.0.0.1:${proxy.port}`, options.storeName);
      await fixture.store().writeBytes(fixture.uri, data);
    });

    afterAll(async () => {
      await proxy?.close();
      await fixture?.dispose();
    });

    it("resumes from the offset reached and delivers every byte once", async () => {
      proxy.cutConnections(3 * MiB, 2);
      const read = await readAll(store, fixture.uri);
      expect(proxy.cuts).toBe(2);
      expect(read.length).toBe(data.length);
      expect(sha(read)).toBe(sha(data));
    });

    it("gives up after its retries with the store's unreachable error", async () => {
      proxy.cutConnections(256 * 1024, readRetries + 5);
      const error = await rejectionOf(readAll(store, fixture.uri));
      if (options.giveUp === "exact") {
        expect(proxy.cuts).toBe(2 + readRetries + 1);
        expect(error).toMatchObject({ code: codes.unreachable });
      } else {
        expect(proxy.cuts).toBeGreaterThanOrEqual(2 + readRetries + 1);
        expect([codes.unreachable, codes.timeout]).toContain(error.code);
      }
      expect(error.message).toContain(options.storeName);
      proxy.cutConnections(0, 0);
    });
  });
}
