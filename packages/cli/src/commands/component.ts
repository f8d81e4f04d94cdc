/** `zen <component-type> …` handlers, one set per type, generated from the type table. */
import type { Invocation } from "../command-line/spec.ts";
import type { ComponentRecord, FlavorInfo } from "@zen/core";
import { componentType, flavorSourceLabel, NotFoundError, UsageError, type ComponentType } from "@zen/core/command-line";
import { parseKeyValues } from "../key-values.ts";
import { colors } from "../colors.ts";
import { cell, printList, printObject, success, warn } from "../output.ts";
import { reportChanges } from "./changes.ts";
import { confirm, openZen, options, outputFormat } from "./common.ts";
import { stdout } from "../stdio.ts";

function componentDocument(record: ComponentRecord, active: boolean) {
  return { id: record.id, name: record.name, type: record.type, flavor: record.flavor, active, config: record.config };
}

export function handlers(type: ComponentType) {
  const info = componentType(type);

  async function activeName(zen: Awaited<ReturnType<typeof openZen>>): Promise<string | undefined> {
    try {
      return (await zen.describeStack()).components[type];
    } catch {
      return undefined;
    }
  }

  return {
    async list(command: Invocation) {
      const zen = await openZen(command);
      const [records, active] = await Promise.all([zen.listComponents(type), activeName(zen)]);
      const keys = [...new Set(records.flatMap((r) => Object.keys(r.config)))].sort();
      await printList(
        outputFormat(command),
        `${type}_list`,
        records,
        [
          { header: "ACTIVE", value: (r) => (r.name === active ? colors.green("●") : "") },
          { header: "NAME", value: (r) => r.name },
          { header: "FLAVOR", value: (r) => r.flavor },
          ...keys.map((k) => ({ header: k.toUpperCase(), value: (r: ComponentRecord) => cell(r.config[k]) })),
        ],
        (r) => componentDocument(r, r.name === active),
      );
      if (records.length === 0 && outputFormat(command) === "table") warn(`No ${info.pluralDisplayName} registered.`);
    },

    async register(command: Invocation) {
      const [name] = command.args as [string];
      const { flavor } = options(command) as { flavor: string };
      const raw = parseKeyValues(command.extra);
      const zen = await openZen(command);
      const record = await zen.registerComponent(type, name, flavor, raw);
      await reportChanges(command, zen, `Registered ${info.displayName} '${record.name}' (flavor '${record.flavor}').`);
    },

    async describe(command: Invocation) {
      const zen = await openZen(command);
      const [name] = command.args;
      const record = await zen.getComponent(type, name ?? undefined);
      const active = (await activeName(zen)) === record.name;
      await printObject(
        outputFormat(command),
        type,
        `${info.displayName} '${record.name}'${active ? " (active)" : ""}`,
        [
          ["NAME", record.name],
          ["TYPE", record.type],
          ["FLAVOR", record.flavor],
          ["ID", record.id],
          ...Object.entries(record.config).map(([k, v]) => [k.toUpperCase(), cell(v)] as [string, string]),
        ],
        componentDocument(record, active),
      );
    },

    async get(command: Invocation) {
      const zen = await openZen(command);
      const name = await activeName(zen);
      if (!name) {
        throw new NotFoundError(`The active stack '${zen.context.stack.name}' has no ${info.displayName}.`, {
          hint: `Add one with: zen stack update ${zen.context.stack.name} --${info.longOption} NAME`,
        });
      }
      stdout.write(`${name}\n`);
    },

    async update(command: Invocation) {
      // `update --key=value` (no name) means the active stack's component.
      const [name] = command.args;
      const raw = parseKeyValues(command.extra);
      const zen = await openZen(command);
      const target = name ?? (await zen.getComponent(type)).name;
      await zen.updateComponent(type, target, raw);
      await reportChanges(command, zen, `Updated ${info.displayName} '${target}'.`);
    },

    async removeAttribute(command: Invocation) {
      const [name] = command.args as [string];
      const keys = attributeKeys(command.extra, info.cliGroup);
      const zen = await openZen(command);
      await zen.removeComponentAttributes(type, name, keys);
      await reportChanges(command, zen, `Removed ${keys.map((k) => `'${k}'`).join(", ")} from ${info.displayName} '${name}'.`);
    },

    async rename(command: Invocation) {
      const [name, newName] = command.args as [string, string];
      const zen = await openZen(command);
      await zen.renameComponent(type, name, newName);
      success(`Renamed ${info.displayName} '${name}' to '${newName}'.`);
    },

    async remove(command: Invocation) {
      const [name] = command.args as [string];
      const zen = await openZen(command);
      await zen.getComponent(type, name);
      await confirm(command, `Delete ${info.displayName} '${name}'?`);
      await zen.deleteComponent(type, name);
      await reportChanges(command, zen, `Deleted ${info.displayName} '${name}'.`);
    },

    async flavorList(command: Invocation) {
      const zen = await openZen(command);
      const flavors = await zen.listFlavors(type);
      await printList(
        outputFormat(command),
        `${type}_flavor_list`,
        flavors,
        [
          { header: "FLAVOR", value: (f) => f.name },
          { header: "PACKAGE", value: (f) => flavorSourceLabel(f.source) },
          { header: "READY", value: (f) => (f.ready ? colors.green("yes") : colors.red(`no: ${f.problem ?? "unavailable"}`)) },
          { header: "DESCRIPTION", value: (f) => f.description },
        ],
        flavorDocument,
      );
      for (const f of flavors) {
        // Two packages with the same flavor are a duplicate (a problem below), not shadowing.
        for (const shadowed of (f.shadows ?? []).filter((s) => s.kind !== f.source.kind)) {
          warn(`flavor '${f.name}' from ${flavorSourceLabel(f.source)} shadows the one from ${flavorSourceLabel(shadowed)}.`);
        }
      }
      // Broken packages list no flavors: name each with its cause, so the list never hides one.
      for (const problem of await zen.discoveryProblems()) warn(`${problem.message}${problem.hint ? ` ${problem.hint}` : ""}`);
    },

    async flavorDescribe(command: Invocation) {
      const [name] = command.args as [string];
      const zen = await openZen(command);
      const flavor = (await zen.listFlavors(type)).find((f) => f.name === name);
      if (!flavor) {
        throw new NotFoundError(`No ${info.displayName} flavor '${name}'.`, {
          hint: `See the available flavors with: zen ${info.cliGroup} flavor list`,
        });
      }
      const { describeConfigKeys } = await import("@zen/core/discovery");
      await printObject(
        outputFormat(command),
        `${type}_flavor`,
        `${info.displayName} flavor '${flavor.name}'`,
        [
          ["FLAVOR", flavor.name],
          ["SOURCE", flavorSourceLabel(flavor.source)],
          ["READY", flavor.ready ? "yes" : `no: ${flavor.problem ?? ""}`],
          ["DESCRIPTION", flavor.description],
          ...describeConfigKeys(flavor).map(
            (k) =>
              [
                `--${k.key}`,
                [
                  k.type,
                  k.required ? "required" : "optional",
                  k.secret ? "secret reference" : "",
                  k.default === undefined ? "" : `default: ${JSON.stringify(k.default)}`,
                  k.description,
                ]
                  .filter(Boolean)
                  .join(", "),
              ] as [string, string],
          ),
        ],
        flavorDocument(flavor),
      );
    },

    async flavorRegister(command: Invocation) {
      const [specifier] = command.args as [string];
      const zen = await openZen(command);
      const { replace } = options(command) as { replace?: boolean };
      const flavor = await zen.registerCustomFlavor(type, specifier, { replace: replace === true });
      if (flavor.outcome === "unchanged")
        success(`The custom ${info.displayName} flavor '${flavor.name}' is already registered from ${specifier}: nothing changed.`);
      else if (flavor.outcome === "replaced")
        success(`Replaced the custom ${info.displayName} flavor '${flavor.name}' (was ${flavor.replaced}) with ${specifier}.`);
      else success(`Registered custom ${info.displayName} flavor '${flavor.name}' from ${specifier}.`);
    },
  };
}

/** `--key [--key ...]`: the config keys to unset, each given once and without a value. */
function attributeKeys(extra: readonly string[], group: string): string[] {
  const usage = `zen ${group} remove-attribute NAME --key [--key ...]`;
  if (extra.length === 0) {
    throw new UsageError("No attribute to remove was given.", { hint: `Name the keys to unset: ${usage}.` });
  }
  const keys: string[] = [];
  for (const token of extra) {
    const key = token.startsWith("--") ? token.slice(2) : "";
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) {
      throw new UsageError(`'${token}' is not an attribute to remove.`, { hint: `Name keys without values: ${usage}.` });
    }
    if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}

function flavorDocument(f: FlavorInfo) {
  return {
    type: f.type,
    name: f.name,
    description: f.description,
    source: f.source,
    ready: f.ready,
    ...(f.problem ? { problem: f.problem } : {}),
    configSchema: f.configSchema,
  };
}
