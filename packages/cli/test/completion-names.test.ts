// Completion finds the configuration where zen keeps it: the same directory core resolves.
import { afterEach, describe, expect, it } from "@jest/globals";
import { globalConfigDir } from "@zen/core/internal";
import { configDirOf } from "../src/completion/names.ts";

describe("configDirOf", () => {
  const saved = process.env.XDG_CONFIG_HOME;
  afterEach(() => {
    if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = saved;
  });

  it("agrees with core's globalConfigDir with and without ZEN_CONFIG_PATH and XDG_CONFIG_HOME", () => {
    const cwd = "/work/here";
    for (const xdg of [undefined, "/xdg/config"]) {
      if (xdg === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = xdg;
      for (const env of [{}, { ZEN_CONFIG_PATH: "/abs/zen" }, { ZEN_CONFIG_PATH: "rel/zen" }, { ZEN_CONFIG_PATH: "  " }]) {
        const full = { ...process.env, ...env };
        expect({ xdg, env, dir: configDirOf(full, cwd) }).toEqual({ xdg, env, dir: globalConfigDir(full, cwd) });
      }
    }
    expect(configDirOf({ ZEN_CONFIG_PATH: "rel/zen" }, cwd)).toBe("/work/here/rel/zen");
  });
});
