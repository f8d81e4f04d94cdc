/** `zen profile …` handlers. */
import type { Invocation } from "../command-line/spec.ts";
import type { ProfileInfo, ProfileMigration, StoreType } from "@zen/core";
import { colors } from "../colors.ts";
import { printList, printObject, success } from "../output.ts";
import { reportChanges } from "./changes.ts";
import { confirm, openZen, options, outputFormat } from "./common.ts";
import { stdout } from "../stdio.ts";

function profileDocument(p: ProfileInfo) {
  return { name: p.name, active: p.active, store_type: p.storeType, store_url: p.storeUrl, active_stack: p.activeStack ?? null };
}

/** zen never records a password in a store URL; one written into the config by hand is still never shown. */
async function masked<T extends ProfileInfo>(profile: T): Promise<T> {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(profile.storeUrl)) return profile;
  const { maskPassword } = await import("@zen/core/sql-stores/driver");
  return { ...profile, storeUrl: maskPassword(profile.storeUrl) };
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
  const profiles = await Promise.all((await zen.listProfiles()).map(masked));
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
  stdout.write(`${zen.context.profile.name}\n`);
}

export async function describe(command: Invocation) {
  const [name] = command.args;
  const zen = await openZen(command);
  const profile = await masked(await zen.describeProfile(name ?? undefined));
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

export async function migrate(command: Invocation) {
  const [name] = command.args;
  const zen = await openZen(command);
  const result: ProfileMigration = await masked(await zen.migrateProfile(name ?? undefined));
  const format = outputFormat(command);
  if (format !== "table") {
    await printObject(format, "profile_migration", "", [], {
      ...profileDocument(result),
      from_version: result.fromVersion,
      to_version: result.toVersion,
      migrated: result.fromVersion !== result.toVersion,
    });
    return;
  }
  const store = `The stack store of profile '${result.name}' (${result.storeUrl})`;
  success(
    result.fromVersion === result.toVersion
      ? `${store} is already at schema version ${result.toVersion}.`
      : `${store} was migrated from schema version ${result.fromVersion} to ${result.toVersion}.`,
  );
}
