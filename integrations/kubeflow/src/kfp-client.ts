/**
 * A client of the Kubeflow Pipelines REST API v2beta1 (JSON fields in snake_case; the embedded
 * pipeline spec keeps the IR's camelCase): upload a pipeline or a version of it, find or create the
 * experiment, create a run or a recurring run, read a run's state. Errors come back in KFP's
 * `googleRpcStatus` shape and are shown with their message.
 */
import { ZenError } from "@zen/core/flavor";
import { cookieHeader, kubeflowLogin, type KfpCredentials } from "./kfp-login.ts";

export interface KfpClientOptions {
  /** Bearer token (e.g. a service account token); sent as `Authorization: Bearer …`. */
  token?: string | undefined;
  /** A Kubeflow (Dex) login: its session cookie goes with every request, as `kfp.Client(cookies=…)` sends it. */
  login?: KfpCredentials | undefined;
  namespace?: string | undefined;
  fetch?: typeof fetch;
}

export interface KfpPipeline {
  pipeline_id: string;
  display_name?: string;
  name?: string;
}

export interface KfpPipelineVersion {
  pipeline_id: string;
  pipeline_version_id: string;
  display_name?: string;
  name?: string;
}

export type KfpRunState = "RUNTIME_STATE_UNSPECIFIED" | "PENDING" | "RUNNING" | "SUCCEEDED" | "SKIPPED" | "FAILED" | "CANCELING" | "CANCELED" | "PAUSED";
export const KFP_FINAL_STATES: ReadonlySet<KfpRunState> = new Set(["SUCCEEDED", "SKIPPED", "FAILED", "CANCELED"]);

export interface KfpRun {
  run_id: string;
  display_name?: string;
  experiment_id?: string;
  state?: KfpRunState;
  error?: { code?: number; message?: string };
  runtime_config?: { parameters?: Record<string, unknown> };
}

export interface KfpRecurringRun {
  recurring_run_id: string;
  display_name?: string;
  status?: "STATUS_UNSPECIFIED" | "ENABLED" | "DISABLED";
  runtime_config?: { parameters?: Record<string, unknown> };
}

export interface RunRequest {
  displayName: string;
  experimentId: string;
  version: { pipeline_id: string; pipeline_version_id: string };
  parameters: Record<string, unknown>;
  description?: string;
}

const API = "/apis/v2beta1";

export class KfpClient {
  private readonly base: string;
  private readonly fetch: typeof fetch;
  /** The login's session cookies, once logged in. */
  private session: Promise<Map<string, string>> | undefined;

  constructor(
    host: string,
    private readonly options: KfpClientOptions = {},
  ) {
    this.base = host.replace(/\/+$/, "");
    this.fetch = options.fetch ?? fetch;
  }

  /** The run's page in the Kubeflow UI. */
  runUrl(runId: string): string {
    return `${this.base}/#/runs/details/${runId}`;
  }

  /** The recurring run's page in the Kubeflow UI. */
  recurringRunUrl(recurringRunId: string): string {
    return `${this.base}/#/recurringrun/details/${recurringRunId}`;
  }

  private cookies(renew: boolean): Promise<Map<string, string>> | undefined {
    const login = this.options.login;
    if (!login) return undefined;
    if (renew || !this.session) {
      this.session = kubeflowLogin(this.base, login, this.fetch);
      // A failed login is tried again by the next call.
      this.session.catch(() => (this.session = undefined));
    }
    return this.session;
  }

  private async call<T>(method: string, path: string, what: string, body?: unknown, form?: FormData, renewed = false): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    const jar = await this.cookies(false);
    if (jar) headers.cookie = cookieHeader(jar);
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      // Manual redirects: behind Kubeflow's gateway, a redirect means "log in" (to Dex), not the API's answer.
      response = await this.fetch(`${this.base}${API}${path}`, {
        method,
        headers,
        body: form ?? (body === undefined ? undefined : JSON.stringify(body)),
        redirect: "manual",
      });
    } catch (error) {
      throw new ZenError(`The Kubeflow Pipelines API at ${this.base} cannot be reached to ${what}.`, {
        code: "ZEN_KFP_UNREACHABLE",
        hint: "Check the orchestrator's kubeflow_hostname and that this machine reaches it.",
        cause: error,
      });
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      // An expired session: log in again, once.
      if (this.options.login && !renewed) {
        await this.cookies(true);
        return this.call(method, path, what, body, form, true);
      }
      throw new ZenError(`Kubeflow Pipelines at ${this.base} redirected the request to ${what} to a login page.`, {
        code: "ZEN_KFP_AUTH",
        hint: "Kubeflow's gateway wants a login: give the orchestrator a token (token={{<secret>.token}}) or a username and password (secret references).",
      });
    }
    const text = await response.text();
    if (!response.ok) {
      let message = text.slice(0, 300);
      try {
        const status = JSON.parse(text) as { message?: string; error?: string };
        message = status.message ?? status.error ?? message;
      } catch {
        // Not a googleRpcStatus: show the start of the body.
      }
      const auth = response.status === 401 || response.status === 403;
      throw new ZenError(`Kubeflow Pipelines refused to ${what} (HTTP ${response.status}): ${message.trim() || response.statusText}`, {
        code: auth ? "ZEN_KFP_AUTH" : "ZEN_KFP",
        hint: auth
          ? "Give the orchestrator credentials that may use this namespace: token={{<secret>.token}}, or username and password."
          : "See the message above; the Kubeflow UI shows the same pipelines and runs.",
      });
    }
    return (text === "" ? {} : JSON.parse(text)) as T;
  }

  private query(params: Record<string, string | undefined>): string {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, value);
    const text = search.toString();
    return text ? `?${text}` : "";
  }

  private packageForm(packageText: string, fileName: string): FormData {
    const form = new FormData();
    form.append("uploadfile", new Blob([packageText], { type: "application/x-yaml" }), fileName);
    return form;
  }

  /** The pipeline of that name, or undefined. */
  async findPipeline(name: string): Promise<KfpPipeline | undefined> {
    const filter = JSON.stringify({ predicates: [{ operation: "EQUALS", key: "display_name", stringValue: name }] });
    const page = await this.call<{ pipelines?: KfpPipeline[] }>(
      "GET",
      `/pipelines${this.query({ namespace: this.options.namespace, filter, page_size: "1" })}`,
      `look up pipeline '${name}'`,
    );
    return page.pipelines?.[0];
  }

  async uploadPipeline(name: string, packageText: string, description?: string): Promise<KfpPipeline> {
    const path = `/pipelines/upload${this.query({ name, display_name: name, description, namespace: this.options.namespace })}`;
    return this.call("POST", path, `upload pipeline '${name}'`, undefined, this.packageForm(packageText, `${name}.yaml`));
  }

  async uploadPipelineVersion(pipelineId: string, versionName: string, packageText: string): Promise<KfpPipelineVersion> {
    const path = `/pipelines/upload_version${this.query({ name: versionName, display_name: versionName, pipelineid: pipelineId })}`;
    return this.call("POST", path, `upload version '${versionName}'`, undefined, this.packageForm(packageText, `${versionName}.yaml`));
  }

  /** The newest version of a pipeline (an upload creates one). */
  async latestVersion(pipelineId: string): Promise<KfpPipelineVersion> {
    const page = await this.call<{ pipeline_versions?: KfpPipelineVersion[] }>(
      "GET",
      `/pipelines/${encodeURIComponent(pipelineId)}/versions${this.query({ page_size: "1", sort_by: "created_at desc" })}`,
      `list the versions of pipeline ${pipelineId}`,
    );
    const version = page.pipeline_versions?.[0];
    if (!version) throw new ZenError(`Kubeflow Pipelines has no version of pipeline ${pipelineId}.`, { code: "ZEN_KFP", hint: "Upload the pipeline again." });
    return version;
  }

  async ensureExperiment(name: string): Promise<string> {
    const filter = JSON.stringify({ predicates: [{ operation: "EQUALS", key: "display_name", stringValue: name }] });
    const page = await this.call<{ experiments?: { experiment_id: string }[] }>(
      "GET",
      `/experiments${this.query({ namespace: this.options.namespace, filter, page_size: "1" })}`,
      `look up experiment '${name}'`,
    );
    const found = page.experiments?.[0];
    if (found) return found.experiment_id;
    const created = await this.call<{ experiment_id: string }>("POST", "/experiments", `create experiment '${name}'`, {
      display_name: name,
      ...(this.options.namespace ? { namespace: this.options.namespace } : {}),
    });
    return created.experiment_id;
  }

  async createRun(request: RunRequest): Promise<KfpRun> {
    return this.call("POST", "/runs", `create run '${request.displayName}'`, {
      display_name: request.displayName,
      experiment_id: request.experimentId,
      ...(request.description ? { description: request.description } : {}),
      pipeline_version_reference: request.version,
      runtime_config: { parameters: request.parameters },
    });
  }

  async createRecurringRun(request: RunRequest & { cron: string }): Promise<KfpRecurringRun> {
    return this.call("POST", "/recurringruns", `schedule '${request.displayName}'`, {
      display_name: request.displayName,
      experiment_id: request.experimentId,
      pipeline_version_reference: request.version,
      runtime_config: { parameters: request.parameters },
      trigger: { cron_schedule: { cron: request.cron } },
      mode: "ENABLE",
      max_concurrency: "1",
      no_catchup: true,
    });
  }

  async getRun(runId: string): Promise<KfpRun> {
    return this.call("GET", `/runs/${encodeURIComponent(runId)}`, `read run ${runId}`);
  }

  async getRecurringRun(recurringRunId: string): Promise<KfpRecurringRun> {
    return this.call("GET", `/recurringruns/${encodeURIComponent(recurringRunId)}`, `read recurring run ${recurringRunId}`);
  }

  /** The runs of that display name (newest first, at most 50). */
  async findRuns(displayName: string): Promise<KfpRun[]> {
    const filter = JSON.stringify({ predicates: [{ operation: "EQUALS", key: "display_name", stringValue: displayName }] });
    const page = await this.call<{ runs?: KfpRun[] }>(
      "GET",
      `/runs${this.query({ namespace: this.options.namespace, filter, page_size: "50", sort_by: "created_at desc" })}`,
      `look up run '${displayName}'`,
    );
    return page.runs ?? [];
  }

  /** The recurring runs of that display name (at most 50). */
  async findRecurringRuns(displayName: string): Promise<KfpRecurringRun[]> {
    const filter = JSON.stringify({ predicates: [{ operation: "EQUALS", key: "display_name", stringValue: displayName }] });
    // `recurringRuns`: camelCase in KFP's API definitions, unlike every other list.
    const page = await this.call<{ recurringRuns?: KfpRecurringRun[] }>(
      "GET",
      `/recurringruns${this.query({ namespace: this.options.namespace, filter, page_size: "50" })}`,
      `look up recurring run '${displayName}'`,
    );
    return page.recurringRuns ?? [];
  }
}
