/**
 * A driver package's database client library (mysql2, pg). A built driver package ships it bundled
 * into one CommonJS file next to its code (`dist/vendor/<name>.cjs`, made by the repository's
 * `scripts/vendor-bundle.mjs`), loaded through V8's code cache in zen's cache directory: the library's
 * load is most of what `zen stack list` on a shared profile costs. Run from source (tests,
 * development), where no bundle is built, the driver gets the installed library itself.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { globalConfigDir } from "../config/paths.ts";
import { ZenError } from "../errors.ts";
import { loadCachedBundle } from "../fs/code-cache.ts";

/**
 * `name`: the bundle's name (`dist/vendor/<name>.cjs` next to the calling module); `caller`: the calling
 * module's `import.meta.url`; `fromSource`: imports the library, for a caller run from its TypeScript source.
 */
export async function loadDriverLibrary<T>(name: string, caller: string, fromSource: () => Promise<T>): Promise<T> {
  if (caller.endsWith(".ts")) return fromSource();
  const file = fileURLToPath(new URL(`./vendor/${name}.cjs`, caller));
  try {
    return (await loadCachedBundle(file, join(globalConfigDir(), "cache", "code"))) as T;
  } catch (error) {
    const missing = error as NodeJS.ErrnoException;
    if (missing.code !== "ENOENT" || missing.path !== file) throw error;
    throw new ZenError(`The database driver package is incomplete: '${file}' is missing.`, {
      code: "ZEN_STORE_DRIVER_BROKEN",
      hint: "Reinstall the package that contains it (or run its build, in a checkout of its source).",
    });
  }
}
