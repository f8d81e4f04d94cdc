/** `zen init`, `zen status` and `zen clean`. */
import { loadZen } from "@zen/core/command-line";
import type { Invocation } from "../command-line/spec.ts";
import { cliPackage } from "../cli-package.ts";
import { OUTPUT_FORMAT_VERSION, printDocument, printObject, success } from "../output.ts";
import { confirm, openZen, options, outputFormat } from "./common.ts";
import { stderr, stdout } from "../stdio.ts";

export async function init(command: Invocation) {
  const opts = options(command);
  const { Zen } = await loadZen();
  const dir = (opts.path as string | undefined) ?? process.cwd();
  const result = await Zen.init(dir, {
    cliRoot: cliPackage().root,
    profile: opts.profile,
    stack: opts.stack,
    onNotice: (message: string) => {
      if (!opts.quiet) stderr.write(`${message}\n`);
    },
  });
  success(`Initialised a zen repository at ${result.root}.`);
  stdout.write(
    `The local active profile is '${result.profile}' and the local active stack is '${result.stack}'.\n` +
      "They apply when you run zen in this directory or below it; change them with `zen profile set` and `zen stack set`.\n",
  );
}

export async function status(command: Invocation) {
  const zen = await openZen(command, { banner: false });
  const { settingSourceWords } = await loadZen();
  // A profile that does not exist is an error here too (with the fix), not a status to read past.
  await zen.describeProfile();
  const { context } = zen;
  await printObject(
    outputFormat(command),
    "status",
    "zen status",
    [
      ["ACTIVE PROFILE", `${context.profile.name}  (${settingSourceWords("profile", context.profile.source)})`],
      ["ACTIVE STACK", `${context.stack.name}  (${settingSourceWords("stack", context.stack.source)})`],
      ["REPOSITORY", context.repositoryRoot ?? "none (run `zen init` to pin a profile and stack here)"],
      ["CONFIG DIRECTORY", context.configDir],
    ],
    {
      profile: context.profile,
      stack: context.stack,
      repositoryRoot: context.repositoryRoot ?? null,
      configDir: context.configDir,
    },
  );
}

export async function clean(command: Invocation) {
  const { planClean, executeClean } = await import("@zen/core/internal");
  const plan = await planClean({ cwd: process.cwd() });
  const format = outputFormat(command);
  const dryRun = Boolean(options(command).dryRun);
  if (dryRun) {
    if (format !== "table") {
      await printDocument(format, { kind: "clean", formatVersion: OUTPUT_FORMAT_VERSION, dryRun, items: { remove: plan.remove, keep: plan.keep } });
      return;
    }
    for (const path of plan.remove) stdout.write(`- ${path}\n`);
    for (const path of plan.keep) stdout.write(`  left in place: ${path}\n`);
    stdout.write(plan.remove.length > 0 ? "Dry run: nothing was deleted.\n" : "Dry run: there is nothing to delete.\n");
    return;
  }
  if (plan.remove.length === 0) {
    success("Nothing to clean: no zen configuration here.");
    return;
  }
  for (const path of plan.remove) stderr.write(`Will delete ${path}\n`);
  await confirm(
    command,
    "This deletes every profile, stack, component, local artifact and metadata store in the global config, " +
      "and this repository's .zen directory (the paths above).",
  );
  const removed = await executeClean(plan);
  if (format !== "table") {
    await printDocument(format, { kind: "clean", formatVersion: OUTPUT_FORMAT_VERSION, dryRun, items: { remove: removed, keep: plan.keep } });
    return;
  }
  for (const path of removed) stderr.write(`Deleted ${path}\n`);
  for (const path of plan.keep) stderr.write(`Left in place: ${path} (not created by zen)\n`);
  success("Cleaned. The next zen command creates a fresh default profile.");
}
