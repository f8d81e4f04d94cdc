/** `zen stack …` handlers. */
import { dirname } from "node:path";
import type { Invocation } from "../command-line/spec.ts";
import type { StackDescription } from "@zen/core";
import { COMPONENT_TYPES, ValidationError, ZenError, type ComponentType } from "@zen/core/command-line";
import { colors } from "../colors.ts";
import { printList, printObject, success, warn } from "../output.ts";
import { loadYaml } from "../yaml.ts";
import { reportChanges } from "./changes.ts";
import { confirm, openZen, options, outputFormat } from "./common.ts";
import { stderr, stdout } from "../stdio.ts";

/** Component names given as `-o NAME`, `--artifact-store NAME`, … keyed by component type. */
function componentFlags(command: Invocation): Partial<Record<ComponentType, string>> {
  const opts = options(command);
  const chosen: Partial<Record<ComponentType, string>> = {};
  for (const type of COMPONENT_TYPES) {
    const value = opts[camel(type.longOption)];
    if (typeof value === "string") chosen[type.key] = value;
  }
  return chosen;
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function stackDocument(stack: StackDescription) {
  return {
    name: stack.name,
    id: stack.id,
    active: stack.active,
    components: Object.fromEntries(
      COMPONENT_TYPES.filter((t) => stack.components[t.key]).map((t) => {
        const record = stack.componentRecords[t.key];
        return [t.key, { name: stack.components[t.key], flavor: record?.flavor }];
      }),
    ),
  };
}

export async function register(command: Invocation) {
  const [name] = command.args as [string];
  const zen = await openZen(command);
  await zen.registerStack(name, componentFlags(command));
  if (options(command).set) await zen.setActiveStack(name);
  await reportChanges(command, zen, `Registered stack '${name}'${options(command).set ? " and made it the active stack" : ""}.`);
}

export async function list(command: Invocation) {
  const zen = await openZen(command);
  const stacks = await zen.listStacks();
  const present = COMPONENT_TYPES.filter((t) => stacks.some((s) => s.components[t.key]));
  await printList(
    outputFormat(command),
    "stack_list",
    stacks,
    [
      { header: "ACTIVE", value: (s) => (s.active ? colors.green("●") : "") },
      { header: "STACK NAME", value: (s) => s.name },
      ...present.map((t) => ({ header: t.key.toUpperCase(), value: (s: StackDescription) => s.components[t.key] ?? "" })),
    ],
    stackDocument,
  );
  if (stacks.length === 0 && outputFormat(command) === "table") warn("No stacks registered.");
}

export async function describe(command: Invocation) {
  const zen = await openZen(command);
  const [name] = command.args;
  const stack = await zen.describeStack(name ?? undefined);
  await printObject(
    outputFormat(command),
    "stack",
    `Stack '${stack.name}'${stack.active ? " (active)" : ""}`,
    COMPONENT_TYPES.filter((t) => stack.components[t.key]).map((t) => [
      t.key.toUpperCase(),
      `${stack.components[t.key]} (${stack.componentRecords[t.key]?.flavor ?? "?"})`,
    ]),
    stackDocument(stack),
  );
}

export async function set(command: Invocation) {
  const [name] = command.args as [string];
  const zen = await openZen(command);
  const global = Boolean(options(command).global);
  await zen.setActiveStack(name, { global });
  const scope = global || !zen.context.repositoryRoot ? "global " : "";
  success(`Active ${scope}stack set to '${name}'.`);
}

export async function get(command: Invocation) {
  const zen = await openZen(command, { banner: false });
  stdout.write(`${zen.context.stack.name}\n`);
}

export async function update(command: Invocation) {
  const zen = await openZen(command);
  const name = (command.args[0] ?? zen.context.stack.name) as string;
  const chosen = componentFlags(command);
  if (Object.keys(chosen).length === 0) {
    throw new ValidationError("Nothing to update.", { hint: "Give components to set, e.g. zen stack update -a my_store." });
  }
  await zen.updateStack(name, chosen);
  await reportChanges(command, zen, `Updated stack '${name}'.`);
}

export async function removeComponent(command: Invocation) {
  const zen = await openZen(command);
  const name = (command.args[0] ?? zen.context.stack.name) as string;
  const opts = options(command);
  const removed: Partial<Record<ComponentType, null>> = {};
  for (const type of COMPONENT_TYPES) if (!type.required && opts[camel(type.longOption)]) removed[type.key] = null;
  if (Object.keys(removed).length === 0) {
    throw new ValidationError("No component to remove was given.", {
      hint: "Name the optional component types to remove, e.g. zen stack remove-component -c -x.",
    });
  }
  await zen.updateStack(name, removed);
  await reportChanges(command, zen, `Removed ${Object.keys(removed).join(", ")} from stack '${name}'.`);
}

export async function rename(command: Invocation) {
  const [name, newName] = command.args as [string, string];
  const zen = await openZen(command);
  await zen.renameStack(name, newName);
  success(`Renamed stack '${name}' to '${newName}'.`);
}

export async function remove(command: Invocation) {
  const [name] = command.args as [string];
  const zen = await openZen(command);
  await zen.describeStack(name);
  await confirm(command, `Delete stack '${name}'? Its components stay registered.`);
  await zen.deleteStack(name);
  await reportChanges(command, zen, `Deleted stack '${name}'.`);
}

export async function copy(command: Invocation) {
  const [name, newName] = command.args as [string, string];
  const zen = await openZen(command);
  const toProfile = options(command).toProfile as string | undefined;
  await zen.copyStack(name, newName, { toProfile });
  await reportChanges(command, zen, `Copied stack '${name}' to '${newName}'${toProfile ? ` in profile '${toProfile}'` : ""}.`);
}

export async function exportStack(command: Invocation) {
  const [name, file] = command.args as [string, string | undefined];
  const zen = await openZen(command);
  const doc = await zen.exportStack(name);
  const { stringify } = await loadYaml();
  if (file === "-") {
    stdout.write(stringify(doc));
    return;
  }
  const target = file ?? `${name}.yaml`;
  const { writeFile } = await import("node:fs/promises");
  try {
    await writeFile(target, stringify(doc), { flag: "wx", mode: 0o600 });
  } catch (error) {
    throw exportFileError(target, error as NodeJS.ErrnoException);
  }
  success(`Exported stack '${name}' to '${target}'. Secret fields are exported as references, not values.`);
}

/** Why the export file could not be written, in words, with what to do. */
function exportFileError(target: string, error: NodeJS.ErrnoException): ZenError {
  const retry = "or write to stdout with `zen stack export <name> -`";
  switch (error.code) {
    case "EEXIST":
      return new ZenError(`'${target}' already exists.`, { hint: `Choose another file name or remove the file first, ${retry}.` });
    case "ENOENT":
      return new ZenError(`Cannot write '${target}': its directory '${dirname(target)}' does not exist.`, {
        hint: `Create the directory first (\`mkdir -p ${dirname(target)}\`), choose another path, ${retry}.`,
      });
    case "ENAMETOOLONG":
      return new ZenError(`Cannot write '${target.length > 80 ? `${target.slice(0, 60)}…` : target}': the file name is too long for the file system.`, {
        hint: `Choose a shorter file name (most file systems allow 255 bytes per name), ${retry}.`,
      });
    case "EACCES":
    case "EPERM":
    case "EROFS":
      return new ZenError(`Cannot write '${target}': permission denied.`, { hint: `Choose a directory you can write to, ${retry}.` });
    case "EISDIR":
      return new ZenError(`Cannot write '${target}': it is a directory.`, { hint: `Give a file name inside it, e.g. '${target}/stack.yaml', ${retry}.` });
    case "ENOTDIR":
      return new ZenError(`Cannot write '${target}': a part of the path is not a directory.`, { hint: `Check the path, ${retry}.` });
    default:
      return new ZenError(`Cannot write '${target}': ${error.message}.`, { hint: `Check the path and the free space, ${retry}.`, cause: error });
  }
}

export async function importStack(command: Invocation) {
  const [file] = command.args as [string];
  const { readFile } = await import("node:fs/promises");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ZenError(`Cannot read '${file}': ${(error as Error).message}.`, { hint: "Check the path." });
  }
  // zen's YAML parse: errors name the file and line; alias bombs and cyclic values are refused.
  const { parseYaml } = await import("@zen/core/internal");
  const doc = await parseYaml(text, file);
  const zen = await openZen(command);
  const stack = await zen.importStack(doc, { name: options(command).name as string | undefined, source: file });
  await reportChanges(command, zen, `Imported stack '${stack.name}' from '${file}'.`);
}

export async function validate(command: Invocation) {
  const zen = await openZen(command);
  const name = (command.args[0] ?? zen.context.stack.name) as string;
  const issues = await zen.validateStack(name);
  if (issues.length === 0) {
    success(`Stack '${name}' is valid.`);
    return;
  }
  for (const issue of issues) {
    stderr.write(`${colors.red("✖")} ${issue.message}${issue.hint ? `\n  ${colors.dim(issue.hint)}` : ""}\n`);
  }
  process.exitCode = 1;
}
