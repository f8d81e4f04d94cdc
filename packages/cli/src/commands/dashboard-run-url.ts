/**
 * The dashboard page of a run, for commands that print a run: when `zen dashboard` serves this
 * profile and reads the metadata store the run is in, its page; else nothing (and nothing is started).
 */
import type { LoadedStack, ZenApi } from "@zen/core";

export async function dashboardRunUrl(zen: ZenApi, stack: LoadedStack, runId: string): Promise<string | undefined> {
  const { dashboardRunUrl: find } = await import("@zen/core/internal");
  try {
    return find(zen.context.configDir, { profile: zen.context.profile.name, stack: stack.name, metadataStoreId: stack.metadataStore.id }, runId);
  } catch {
    return undefined; // a run was recorded: an unreadable cache directory must not fail the command
  }
}
