/**
 * `zen model-deployer models list|describe|start|stop|delete|logs`: the prediction services of a model
 * deployer (default: the active stack's; `--deployer NAME` for another), through the service contract
 * every model deployer flavor shares. Services outlive the process that started them, so any zen
 * process sees them.
 */
import type { BaseModelDeployer, ModelService } from "@zen/core";
import { UsageError } from "@zen/core/command-line";
import type { Invocation } from "../command-line/spec.ts";
import { printList, printObject, success } from "../output.ts";
import { confirm, openZen, options, outputFormat } from "./common.ts";
import { stdout } from "../stdio.ts";

async function deployer(command: Invocation): Promise<BaseModelDeployer> {
  const zen = await openZen(command);
  const name = options(command).deployer;
  return (await zen.loadComponent("model_deployer", typeof name === "string" ? name : undefined)) as BaseModelDeployer;
}

function serviceName(command: Invocation): string {
  return command.args[0]!;
}

function document(service: ModelService): Record<string, unknown> {
  return { ...service, predictionUrl: service.predictionUrl ?? null, pid: service.pid ?? null, port: service.port ?? null, logFile: service.logFile ?? null };
}

export async function list(command: Invocation): Promise<void> {
  const services = await (await deployer(command)).listServices();
  await printList(
    outputFormat(command),
    "model_services",
    services,
    [
      { header: "SERVICE", value: (s) => s.name },
      { header: "MODEL", value: (s) => s.model },
      { header: "VERSION", value: (s) => s.version },
      { header: "RUNTIME", value: (s) => s.runtime },
      { header: "STATUS", value: (s) => s.status },
      { header: "PREDICTION URL", value: (s) => s.predictionUrl ?? "" },
    ],
    document,
  );
}

export async function describe(command: Invocation): Promise<void> {
  await show(command, await (await deployer(command)).getService(serviceName(command)));
}

export async function start(command: Invocation): Promise<void> {
  const service = await (await deployer(command)).startService(serviceName(command));
  if (outputFormat(command) === "table") success(`Service '${service.name}' is running: POST ${service.predictionUrl}`);
  else await show(command, service);
}

export async function stop(command: Invocation): Promise<void> {
  const service = await (await deployer(command)).stopService(serviceName(command));
  if (outputFormat(command) === "table") success(`Service '${service.name}' is stopped.`);
  else await show(command, service);
}

export async function remove(command: Invocation): Promise<void> {
  const target = await deployer(command);
  const name = serviceName(command);
  await target.getService(name);
  await confirm(command, `Delete service '${name}' (its process, config and log; the model version stays in the registry)?`);
  await target.deleteService(name);
  success(`Deleted service '${name}'.`);
}

export async function logs(command: Invocation): Promise<void> {
  const raw = options(command).tail;
  let tail: number | undefined;
  if (raw !== undefined) {
    tail = Number(raw);
    if (!Number.isInteger(tail) || tail <= 0) throw new UsageError(`Invalid --tail '${String(raw)}'.`, { hint: "Give a number of lines, e.g. --tail 50." });
  }
  stdout.write(await (await deployer(command)).serviceLogs(serviceName(command), { tail }));
}

async function show(command: Invocation, s: ModelService): Promise<void> {
  await printObject(
    outputFormat(command),
    "model_service",
    `Service '${s.name}'`,
    [
      ["MODEL", s.model],
      ["VERSION", s.version],
      ["RUNTIME", s.runtime],
      ["STATUS", s.status],
      ["PREDICTION URL", s.predictionUrl ?? ""],
      ["PID", s.pid === undefined ? "" : String(s.pid)],
      ["PORT", s.port === undefined ? "" : String(s.port)],
      ["LOG", s.logFile ?? ""],
      ["CREATED", s.createdAt],
      ...Object.entries(s.details).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => ` ${c}`).toUpperCase(), v] as [string, string]),
    ],
    document(s),
  );
}
