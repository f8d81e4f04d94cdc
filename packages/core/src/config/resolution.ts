/**
 * The one resolution order for the active profile and stack (docs/architecture.md, section 5):
 * `--profile`/`--stack` flag > `ZEN_PROFILE`/`ZEN_STACK` > `.zen/config.yaml` > global config > `default`.
 * Pure: no I/O, so `zen status` and every command agree on the result.
 */
import type { ResolvedSetting } from "./settings.ts";
import type { GlobalConfig } from "./global-config.ts";
import type { Env } from "./paths.ts";
import type { RepositoryConfig } from "./repository.ts";

export const DEFAULT_PROFILE_NAME = "default";
export const DEFAULT_STACK_NAME = "default";

export interface ResolutionInput {
  flags: { profile?: string | undefined; stack?: string | undefined };
  env: Env;
  repository: RepositoryConfig | undefined;
  global: GlobalConfig | undefined;
}

export interface Resolution {
  profile: ResolvedSetting;
  stack: ResolvedSetting;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

export function resolveSettings({ flags, env, repository, global }: ResolutionInput): Resolution {
  const profile = pick<ResolvedSetting>(
    [nonEmpty(flags.profile), "flag"],
    [nonEmpty(env.ZEN_PROFILE), "env"],
    [nonEmpty(repository?.active_profile_name), "repository"],
    [nonEmpty(global?.active_profile), "global"],
  ) ?? { name: DEFAULT_PROFILE_NAME, source: "default" };

  // The repository's stack belongs to the repository's profile: it applies only when that profile is
  // in effect (a `--profile` flag pointing elsewhere must not borrow a stack name from another profile).
  const repositoryStack =
    repository?.active_stack_name !== undefined && (nonEmpty(repository.active_profile_name) ?? profile.name) === profile.name
      ? nonEmpty(repository.active_stack_name)
      : undefined;
  const stack = pick<ResolvedSetting>(
    [nonEmpty(flags.stack), "flag"],
    [nonEmpty(env.ZEN_STACK), "env"],
    [repositoryStack, "repository"],
    [nonEmpty(global && Object.hasOwn(global.profiles, profile.name) ? global.profiles[profile.name]?.active_stack : undefined), "global"],
  ) ?? { name: DEFAULT_STACK_NAME, source: "default" };

  return { profile, stack };
}

function pick<T extends ResolvedSetting>(...candidates: [string | undefined, T["source"]][]): T | undefined {
  for (const [name, source] of candidates) if (name !== undefined) return { name, source } as T;
  return undefined;
}
