/**
 * The model deployer contract in @zen/core: a flavor that implements nothing of it still constructs,
 * and each service method it leaves alone fails with one sentence naming the flavor and component.
 */
import { describe, expect, it } from "@jest/globals";
import { rejectionOf } from "@zen/test-utils";
import { BaseModelDeployer } from "../src/flavor-entry.ts";

class HooksOnlyDeployer extends BaseModelDeployer {}

describe("BaseModelDeployer", () => {
  const deployer = new HooksOnlyDeployer({ id: "id-1", name: "seldon_prod", flavor: "seldon", config: {}, configDir: "/nonexistent" });

  it("is a model deployer component", () => {
    expect(deployer.type).toBe("model_deployer");
  });

  it("refuses each service operation a flavor does not implement, naming the flavor and the component", async () => {
    const calls: [string, () => Promise<unknown>][] = [
      ["deploy models", () => deployer.deployModel({})],
      ["list services", () => deployer.listServices()],
      ["describe services", () => deployer.getService("a")],
      ["start services", () => deployer.startService("a")],
      ["stop services", () => deployer.stopService("a")],
      ["delete services", () => deployer.deleteService("a")],
      ["show service logs", () => deployer.serviceLogs("a", { tail: 5 })],
    ];
    for (const [what, call] of calls) {
      const error = await rejectionOf(call());
      expect(error).toMatchObject({ code: "ZEN_NOT_SUPPORTED", message: `The seldon model deployer 'seldon_prod' cannot ${what}.` });
      expect(error.hint).toMatch(/model deployer flavor that manages its services/);
    }
  });
});
