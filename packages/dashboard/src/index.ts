/** `@zen/dashboard`: the local, read-only web app `zen dashboard` serves. */
export { startDashboard, DEFAULT_PORT, type DashboardOptions, type DashboardServer } from "./server.ts";
export { isLoopback } from "./access.ts";
export type { RunsQuery } from "./data.ts";
