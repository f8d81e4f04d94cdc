/**
 * Stored component configs as shown to a user (describe, list, export): a secret field should only
 * ever hold a `{{name.key}}` reference, but a record written by an older or another copy of zen, or
 * edited by hand, may hold a value; that value is shown as `****`, never in clear.
 */
import type { ComponentRecord } from "../store/records.ts";
import type { ZenContext } from "./context.ts";

export async function maskStoredSecrets(ctx: ZenContext, records: readonly ComponentRecord[]): Promise<ComponentRecord[]> {
  if (records.length === 0) return [];
  // One import after the other: concurrent first imports of modules sharing dependencies race in
  // Jest's module linker (and gain nothing here).
  const { secretLiteralFields } = await import("../flavor.ts");
  const { maskSecrets } = await import("../secrets/mask.ts");
  // The discovery index knows each flavor's secret fields without importing package code. A flavor
  // that is not installed has no known fields: its record is shown as stored.
  const registry = await ctx.registry();
  return Promise.all(
    records.map(async (record) => {
      const secretFields = (await registry.find(record.type, record.flavor))?.secretFields ?? [];
      if (secretLiteralFields(record.config, secretFields).length === 0) return record;
      return { ...record, config: maskSecrets(record.config, secretFields) };
    }),
  );
}
