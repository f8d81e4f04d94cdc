/**
 * The vocabulary of configuration: where an effective setting (the active profile or stack) came
 * from, and the options every entry point (the facade, a pipeline run) accepts to find it.
 */

/** Where an effective setting came from, in resolution order (see config/resolution.ts). */
export type SettingSource = "flag" | "env" | "repository" | "global" | "default";

export interface ResolvedSetting {
  name: string;
  source: SettingSource;
}

export interface ZenOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** `--profile` flag */
  profile?: string;
  /** `--stack` flag */
  stack?: string;
  /** Receives notices such as "Created and activated default profile." (the CLI prints them on stderr). */
  onNotice?: (message: string) => void;
  /** Validate and compute every change as usual, but write nothing; `plannedChanges()` says what would change. */
  dryRun?: boolean;
}
