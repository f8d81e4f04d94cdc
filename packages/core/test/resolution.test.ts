import { describe, expect, it } from "@jest/globals";
import type { GlobalConfig } from "../src/config/global-config.ts";
import { resolveSettings } from "../src/config/resolution.ts";

const global: GlobalConfig = {
  format_version: 1,
  user_id: "u",
  active_profile: "g",
  profiles: {
    g: { store_type: "local", store_url: "file:///g", active_stack: "g-stack" },
    r: { store_type: "local", store_url: "file:///r", active_stack: "r-global-stack" },
    f: { store_type: "local", store_url: "file:///f" },
  },
};
const repository = { active_profile_name: "r", active_stack_name: "r-stack" };

describe("resolveSettings: flag > env > repository > global > default", () => {
  it("takes flags first", () => {
    expect(resolveSettings({ flags: { profile: "f", stack: "s" }, env: { ZEN_PROFILE: "e", ZEN_STACK: "es" }, repository, global })).toEqual({
      profile: { name: "f", source: "flag" },
      stack: { name: "s", source: "flag" },
    });
  });

  it("then the environment", () => {
    expect(resolveSettings({ flags: {}, env: { ZEN_PROFILE: "e", ZEN_STACK: "es" }, repository, global })).toEqual({
      profile: { name: "e", source: "env" },
      stack: { name: "es", source: "env" },
    });
  });

  it("then the repository", () => {
    expect(resolveSettings({ flags: {}, env: {}, repository, global })).toEqual({
      profile: { name: "r", source: "repository" },
      stack: { name: "r-stack", source: "repository" },
    });
  });

  it("then the global config", () => {
    expect(resolveSettings({ flags: {}, env: {}, repository: undefined, global })).toEqual({
      profile: { name: "g", source: "global" },
      stack: { name: "g-stack", source: "global" },
    });
  });

  it("then `default`", () => {
    expect(resolveSettings({ flags: {}, env: {}, repository: undefined, global: undefined })).toEqual({
      profile: { name: "default", source: "default" },
      stack: { name: "default", source: "default" },
    });
    expect(resolveSettings({ flags: { profile: "f" }, env: {}, repository: undefined, global }).stack).toEqual({
      name: "default",
      source: "default",
    });
  });

  it("does not borrow the repository's stack for another profile chosen by flag or env", () => {
    expect(resolveSettings({ flags: { profile: "g" }, env: {}, repository, global }).stack).toEqual({ name: "g-stack", source: "global" });
    expect(resolveSettings({ flags: {}, env: { ZEN_PROFILE: "g" }, repository, global }).stack).toEqual({
      name: "g-stack",
      source: "global",
    });
  });

  it("mixes sources: env stack with repository profile", () => {
    expect(resolveSettings({ flags: {}, env: { ZEN_STACK: "x", ZEN_PROFILE: "" }, repository, global })).toEqual({
      profile: { name: "r", source: "repository" },
      stack: { name: "x", source: "env" },
    });
  });
});
