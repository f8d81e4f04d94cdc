/** Base abstractions of the optional component types that have no built-in behaviour yet. */
import { ValidationError } from "../errors.ts";
import { StackComponent } from "../stack-component.ts";

export abstract class BaseStepOperator<Config = Record<string, unknown>> extends StackComponent<Config> {
  static override readonly componentType = "step_operator" as const;
}

export { BaseModelDeployer, type ModelService, type ModelServiceStatus, type ServiceLogOptions } from "./model-deployer.ts";

export abstract class BaseFeatureStore<Config = Record<string, unknown>> extends StackComponent<Config> {
  static override readonly componentType = "feature_store" as const;
}

export abstract class BaseExperimentTracker<Config = Record<string, unknown>> extends StackComponent<Config> {
  static override readonly componentType = "experiment_tracker" as const;

  /**
   * The tracker's own page of what a pipeline run logged (e.g. an MLflow run), or undefined when it
   * holds nothing for that run. `zen pipeline runs describe` shows it; asking may need the network.
   */
  async runUrl(_run: { pipelineName: string; runName: string }): Promise<string | undefined> {
    return undefined;
  }
}

export type AlertSeverity = "info" | "success" | "warning" | "error";

/** A structured alert: `alerter.post({ text, title, severity, fields, url })`. */
export interface Alert {
  /** The message itself (required, not empty). */
  text: string;
  title?: string | undefined;
  /** Default `info`. */
  severity?: AlertSeverity | undefined;
  /** Short facts shown with the alert, e.g. `{ run: ctx.runName, accuracy: 0.93 }`. */
  fields?: Record<string, string | number | boolean> | undefined;
  /** A link to more detail (a dashboard, a run page). */
  url?: string | undefined;
}

/** What an alerter implementation receives: a plain message arrives as `{ text, severity: "info", fields: {} }`. */
export interface AlertMessage {
  text: string;
  title: string | undefined;
  severity: AlertSeverity;
  /** Values as text, in the order given. */
  fields: Record<string, string>;
  url: string | undefined;
}

const SEVERITIES: readonly AlertSeverity[] = ["info", "success", "warning", "error"];

/** Validates a plain message or a structured alert and gives it one shape. */
export function toAlertMessage(message: string | Alert): AlertMessage {
  const alert: Alert = typeof message === "string" ? { text: message } : message;
  const invalid = (what: string) =>
    new ValidationError(`Invalid alert: ${what}.`, {
      hint: "Post a non-empty string, or { text, title?, severity?: info|success|warning|error, fields?: { name: value }, url? }.",
    });
  if (typeof alert !== "object" || alert === null || typeof alert.text !== "string" || alert.text.trim() === "") throw invalid("the text is empty");
  const severity = alert.severity ?? "info";
  if (!SEVERITIES.includes(severity)) throw invalid(`unknown severity '${String(severity)}'`);
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(alert.fields ?? {})) {
    if (!["string", "number", "boolean"].includes(typeof value)) throw invalid(`field '${key}' is not a string, number or boolean`);
    fields[key] = String(value);
  }
  if (alert.title !== undefined && typeof alert.title !== "string") throw invalid("the title is not a string");
  if (alert.url !== undefined && !/^https?:\/\//.test(String(alert.url))) throw invalid(`'${String(alert.url)}' is not an http(s) URL`);
  return { text: alert.text, title: alert.title, severity, fields, url: alert.url };
}

/** A plain-text rendering of an alert, for channels that only take text. */
export function formatAlertText(alert: AlertMessage): string {
  const head = alert.title ? `${alert.title}\n` : "";
  const facts = Object.entries(alert.fields)
    .map(([k, v]) => `\n${k}: ${v}`)
    .join("");
  return `${alert.severity === "info" ? "" : `[${alert.severity}] `}${head}${alert.text}${facts}${alert.url ? `\n${alert.url}` : ""}`;
}

/**
 * Sends alerts (from steps, or from success/failure hooks). Implementations override `deliver`;
 * `post` accepts a plain message or a structured alert, validates it and hands it over in one shape.
 */
export abstract class BaseAlerter<Config = Record<string, unknown>> extends StackComponent<Config> {
  static override readonly componentType = "alerter" as const;

  /** Posts a message or a structured alert; resolves to whether the channel accepted it. */
  async post(message: string | Alert): Promise<boolean> {
    return this.deliver(toAlertMessage(message));
  }

  /** Sends one alert to the channel; false when the channel refuses it (throw a ZenError when it cannot be reached). */
  protected abstract deliver(alert: AlertMessage): Promise<boolean>;
}
