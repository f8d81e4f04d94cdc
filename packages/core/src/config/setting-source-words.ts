/**
 * How to talk about an effective setting (the active profile or stack) by where it came from: the
 * words for its source, and the hint that says how to point it elsewhere. One table for every
 * message that names such a setting: "does not exist" and "cannot be deleted while active" alike.
 */
import type { ResolvedSetting, SettingSource } from "./settings.ts";

/** "from ZEN_PROFILE", "pinned by this repository", …: said the way the user would change it. */
export function settingSourceWords(kind: "profile" | "stack", source: SettingSource): string {
  switch (source) {
    case "flag":
      return `from --${kind}`;
    case "env":
      return `from ZEN_${kind.toUpperCase()}`;
    case "repository":
      return "pinned by this repository";
    case "global":
      return "from the global config";
    default:
      return "by default";
  }
}

const SOURCE_LABELS: Record<SettingSource, string> = { flag: "flag", env: "env", repository: "local", global: "global", default: "global" };

/** One word for the context line every command prints ("Running with active profile: 'x' (global)", as ZenML 0.9 says it). */
export function settingSourceLabel(source: SettingSource): string {
  return SOURCE_LABELS[source];
}

export interface SettingHintContext {
  /** The repository whose `.zen/config.yaml` is in effect, if any. */
  repositoryRoot: string | undefined;
  /** Names the user can switch to, shown in parentheses ("none yet" when empty). */
  choices?: readonly string[] | undefined;
  /** For a stack: the profile it must belong to. */
  profile?: string | undefined;
}

/**
 * A hint (one or more sentences) for a setting that must change: `missing` when it names something
 * that does not exist, `in-use` when it blocks deleting what it names (the active one). `extra` ends the first
 * sentence ("or create it with …").
 */
export function settingHint(
  kind: "profile" | "stack",
  setting: ResolvedSetting,
  purpose: "missing" | "in-use",
  context: SettingHintContext,
  extra?: string,
): string {
  const { repositoryRoot, profile } = context;
  const choices = context.choices ? ` (${context.choices.length > 0 ? context.choices.join(", ") : kind === "stack" ? "none registered" : "none yet"})` : "";
  const ofProfile = kind === "stack" && profile ? ` of profile '${profile}'` : "";
  const global = repositoryRoot || purpose === "missing" ? "--global " : "";
  const end = (text: string) => `${text}${extra ? `, or ${extra}` : ""}.`;
  if (purpose === "missing") {
    switch (setting.source) {
      case "flag":
        return end(`Pass an existing ${kind}${ofProfile} to --${kind}${choices}`);
      case "env":
        return end(`ZEN_${kind.toUpperCase()} names it: set it to an existing ${kind}${ofProfile}${choices} or unset it`);
      case "repository":
        return end(`The repository at '${repositoryRoot}' pins it: run \`zen ${kind} set <${kind}>\` there${choices}`);
      default:
        return end(`Run \`zen ${kind} set ${global}<${kind}>\`${choices}`);
    }
  }
  switch (setting.source) {
    case "flag":
      return `It was chosen with --${kind}; choose another ${kind} to work with before deleting this one.`;
    case "env":
      return `ZEN_${kind.toUpperCase()} names it: point ZEN_${kind.toUpperCase()} at another ${kind} or unset it first.`;
    case "repository":
      return `Activate another ${kind} in this repository first: \`zen ${kind} set <other>\`.`;
    default:
      return `Activate another ${kind} first: \`zen ${kind} set ${global}<other>\`.`;
  }
}
