/** The alerter conformance kit on a real alerter: JSON posts to a webhook served on 127.0.0.1. */
import { describeAlerterConformance } from "../src/testing/alerter-conformance.ts";
import { WebhookAlerter, startWebhookReceiver } from "./fixtures/alerters/webhook-alerter.ts";

describeAlerterConformance("webhook", async () => {
  const receiver = await startWebhookReceiver();
  const alerter = new WebhookAlerter({ id: "webhook-test", name: "team_webhook", flavor: "webhook", config: { url: receiver.url }, configDir: "/nonexistent" });
  return { alerter, received: async () => [...receiver.bodies], cleanup: () => receiver.close() };
});
