/** `zen profile …` handlers. */
import type { Invocation } from "../command-line/spec.ts";
import type { ProfileInfo, StoreType } from "@zen/core";
import { colors, printList, printObject, success } from "../output.ts";
import { reportChanges } from "./changes.ts";
import { confirm, openZen, options, outputFormat } from "./common.ts";

function profileDocument(p: ProfileInfo) {
  return { name: p.name, active: p.active, store_type: p.storeType, store_url: p.storeUrl, active_stack: p.activeStack ?? null };
}

export async function create(command: Invocation) {
  const [name] = command.args as [string];
  const opts = options(command) as { storeType: StoreType; url?: string };
  const zen = await openZen(command);
  await zen.createProfile(name, { storeType: opts.storeType, url: opts.url });
  success(`Created profile '${name}'. Activate it with: zen profile set ${name}`);
}

export async function list(command: Invocation) {
  const zen = await openZen(command);
  const profiles = await zen.listProfiles();
  await printList(
    outputFormat(command),
    "profile_list",
    profiles,
    [
      { header: "ACTIVE", value: (p) => (p.active ? colors.green("●") : "") },
      { header: "PROFILE NAME", value: (p) => p.name },
      { header: "STORE TYPE", value: (p) => p.storeType },
      { header: "URL", value: (p) => p.storeUrl },
      { header: "ACTIVE STACK", value: (p) => (p.active ? zen.context.stack.name : (p.activeStack ?? "")) },
    ],
    profileDocument,
  );
}

export async function set(command: Invocation) {
  const [name] = command.args as [string];
  const zen = await openZen(command);
  const global = Boolean(options(command).global);
  await zen.setActiveProfile(name, { global });
  const scope = global || !zen.context.repositoryRoot ? "global " : "";
  success(`Active ${scope}profile changed to '${name}'.`);
}

export async function get(command: Invocation) {
  const zen = await openZen(command, { banner: false });
  process.stdout.write(`${zen.context.profile.name}\n`);
}

export async function describe(command: Invocation) {
  const [name] = command.args;
  const zen = await openZen(command);
  const profile = await zen.describeProfile(name ?? undefined);
  await printObject(
    outputFormat(command),
    "profile",
    `Profile '${profile.name}'${profile.active ? " (active)" : ""}`,
    [
      ["NAME", profile.name],
      ["STORE_TYPE", profile.storeType],
      ["STORE_URL", profile.storeUrl],
      ["ACTIVE_STACK", profile.activeStack ?? ""],
    ],
    profileDocument(profile),
  );
}

export async function remove(command: Invocation) {
  const [name] = command.args as [string];
  const zen = await openZen(command);
  await zen.describeProfile(name);
  await confirm(command, `Delete profile '${name}' and every stack and component in it?`);
  await zen.deleteProfile(name);
  await reportChanges(command, zen, `Deleted profile '${name}'.`);
}
