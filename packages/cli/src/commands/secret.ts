/** `zen secret …` handlers: the active stack's secrets manager. Values are never printed. */
import type { Invocation } from "../command-line/spec.ts";
import { ValidationError } from "@zen/core/command-line";
import { parseKeyValues } from "../key-values.ts";
import { printList, printObject, success } from "../output.ts";
import { confirm, openZen, options, outputFormat } from "./common.ts";
import { stderr } from "../stdio.ts";

function values(command: Invocation): Record<string, string> {
  const parsed = parseKeyValues(command.extra);
  if (Object.keys(parsed).length === 0) {
    throw new ValidationError("A secret needs at least one key.", {
      hint: "Give keys as --key=value; read a value from a file with --key=@path.",
    });
  }
  return parsed;
}

export async function register(command: Invocation) {
  const [name] = command.args as [string];
  const secretValues = values(command);
  const zen = await openZen(command);
  await zen.registerSecret(name, secretValues);
  success(`Registered secret '${name}' with keys: ${Object.keys(secretValues).join(", ")}.`);
  if (!options(command).quiet) stderr.write(`Refer to it in a component's secret field as {{${name}.${Object.keys(secretValues)[0]}}}.\n`);
}

export async function list(command: Invocation) {
  const zen = await openZen(command);
  const names = await zen.listSecrets();
  await printList(outputFormat(command), "secret_list", names, [{ header: "SECRET NAME", value: (n) => n }], (n) => ({ name: n }));
}

export async function get(command: Invocation) {
  const [name] = command.args as [string];
  const zen = await openZen(command);
  const secret = await zen.getSecret(name);
  const keys = Object.keys(secret);
  await printObject(
    outputFormat(command),
    "secret",
    `Secret '${name}'`,
    keys.map((k) => [k, "****"]),
    { name, keys },
  );
}

export async function update(command: Invocation) {
  const [name] = command.args as [string];
  const secretValues = values(command);
  const zen = await openZen(command);
  await zen.updateSecret(name, secretValues);
  success(`Updated secret '${name}' (keys: ${Object.keys(secretValues).join(", ")}).`);
}

export async function remove(command: Invocation) {
  const [name] = command.args as [string];
  const zen = await openZen(command);
  const force = Boolean(options(command).force);
  // Missing secret or components still referring to it: refused before the question is asked.
  await zen.deleteSecret(name, { force, confirm: () => confirm(command, `Delete secret '${name}'?`) });
  success(`Deleted secret '${name}'.`);
}
