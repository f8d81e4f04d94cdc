/** A real browser for dashboard tests: Debian's Chromium through playwright-core, on a temp profile. */
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { makeTempDir } from "@zen/test-utils";

/**
 * Launches Chromium (`executablePath`, from `requireChromium()`) with `args` on a profile in a new
 * temp dir; its first page adds console errors and warnings and page errors to `problems`.
 */
export async function launchPage(
  executablePath: string,
  profilePrefix: string,
  args: string[],
  problems: string[],
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(makeTempDir(profilePrefix), { executablePath, headless: true, args });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  return { context, page };
}
