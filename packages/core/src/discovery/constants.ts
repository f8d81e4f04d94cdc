/**
 * Discovery constants. `DISCOVERY_API_VERSION` mirrors `FLAVOR_API_VERSION` of flavor.ts without
 * importing it: flavor.ts loads zod, and the warm discovery path (every `zen` start) must stay light.
 * A test keeps the two equal.
 */
export const DISCOVERY_API_VERSION = 1;
/** Bumped when the shape of the cached index changes (it is also part of the file name). */
export const DISCOVERY_CACHE_FORMAT = 2;
export const CACHE_FILE_NAME = `discovery-v${DISCOVERY_CACHE_FORMAT}.json`;
export const CORE_PACKAGE_NAME = "@zen/core";
