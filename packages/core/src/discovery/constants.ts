/** Discovery constants. The flavor API version comes from flavor-terms.ts, which (unlike flavor.ts) loads no zod. */
import { FLAVOR_API_VERSION } from "../flavor-terms.ts";

export const DISCOVERY_API_VERSION = FLAVOR_API_VERSION;
/** Bumped when the shape of the cached index changes (it is also part of the file name). */
export const DISCOVERY_CACHE_FORMAT = 2;
export const CACHE_FILE_NAME = `discovery-v${DISCOVERY_CACHE_FORMAT}.json`;
export const CORE_PACKAGE_NAME = "@zen/core";
