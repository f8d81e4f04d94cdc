/** Lazily loads `yaml` (bundled as CommonJS, so it may arrive as its `default` export). */
type YamlModule = typeof import("yaml");

export async function loadYaml(): Promise<YamlModule> {
  const m = await import("yaml");
  return "stringify" in m ? m : (m as { default: YamlModule }).default;
}
