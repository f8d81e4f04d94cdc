/**
 * Database store URLs for team profiles: the canonical form a profile records (no password, options
 * sorted), TLS and timeout options, refusals that never repeat a password, where the password comes
 * from (environment, then an owner-only file), and masking for display.
 */
import { describe, expect, it } from "@jest/globals";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "@zen/test-utils";
import { checkDriverUrl } from "../src/sql-stores/driver-url.ts";
import { DEFAULT_CONNECT_TIMEOUT_MS } from "../src/sql-stores/server-options.ts";
import { maskPassword, parseStoreUrl, storePassword } from "../src/sql-stores/store-url.ts";

const MYSQL = ["mysql:", "mariadb:"] as const;

function refusal(run: () => unknown): Error & { hint?: string } {
  try {
    run();
  } catch (error) {
    return error as Error & { hint?: string };
  }
  throw new Error("expected a refusal");
}

describe("store URLs", () => {
  it("records a canonical URL: default port, options sorted, a connect timeout of at most 5 s by default", () => {
    const parsed = parseStoreUrl("mysql://zen@db.example/team?ssl=true&connect_timeout_ms=2000", MYSQL, 3306);
    expect(parsed.url).toBe("mysql://zen@db.example:3306/team?connect_timeout_ms=2000&ssl=true");
    expect(parsed.options).toMatchObject({ host: "db.example", port: 3306, database: "team", user: "zen", connectTimeoutMs: 2000, tls: { verify: true } });
    expect(parseStoreUrl("mysql://zen@db/team", MYSQL, 3306).options).toMatchObject({ connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS, tls: undefined });
    expect(DEFAULT_CONNECT_TIMEOUT_MS).toBeLessThanOrEqual(5000);
  });

  it("takes TLS options for hosted databases: CA, client certificate and key (absolute paths), verification on or off", () => {
    const parsed = parseStoreUrl("mysql://zen@db/team?ssl_ca=/etc/ca.pem&ssl_cert=/etc/me.pem&ssl_key=/etc/me.key&ssl_verify=false", MYSQL, 3306);
    expect(parsed.options.tls).toEqual({ ca: "/etc/ca.pem", cert: "/etc/me.pem", key: "/etc/me.key", verify: false });
    expect(refusal(() => parseStoreUrl("mysql://zen@db/team?ssl_ca=ca.pem", MYSQL, 3306)).message).toContain("ssl_ca must be an absolute path");
    expect(refusal(() => parseStoreUrl("mysql://zen@db/team?ssl_verify=maybe", MYSQL, 3306)).message).toContain("ssl_verify must be true or false");
  });

  it("refuses a password in the URL without repeating it, and unknown options by name", () => {
    for (const error of [
      refusal(() => parseStoreUrl("mysql://zen:S3cret-Pw@db/team", MYSQL, 3306)),
      refusal(() => checkDriverUrl("mysql://zen:S3cret-Pw@db/team")),
    ]) {
      expect(error.message).toMatch(/password/);
      expect(error.message).not.toContain("S3cret-Pw");
      expect(error.hint).toContain("ZEN_STORE_PASSWORD");
    }
    const unknown = refusal(() => parseStoreUrl("mysql://zen@db/team?sslmode=require", MYSQL, 3306));
    expect(unknown.message).toContain("unknown option 'sslmode'");
    expect(unknown.hint).toContain("ssl_ca");
    expect(refusal(() => parseStoreUrl("postgresql://zen@db/team", MYSQL, 3306)).message).toContain("mysql: or mariadb:");
    expect(refusal(() => parseStoreUrl("mysql://zen@db/team?connect_timeout_ms=0", MYSQL, 3306)).message).toContain("connect_timeout_ms");
  });

  it("masks a password for display", () => {
    expect(maskPassword("mysql://zen:S3cret@db:3306/team")).toBe("mysql://zen:***@db:3306/team");
    expect(maskPassword("mysql://zen@db:3306/team")).toBe("mysql://zen@db:3306/team");
  });

  it("takes the password from ZEN_STORE_PASSWORD, else from an owner-only file the URL names", () => {
    const dir = makeTempDir("zen-store-url-");
    const file = join(dir, "db-password");
    writeFileSync(file, "from-file\n");
    chmodSync(file, 0o600);
    const parsed = parseStoreUrl(`mysql://zen@db/team?password_file=${file}`, MYSQL, 3306);
    expect(storePassword(parsed, { ZEN_STORE_PASSWORD: "from-env" })).toBe("from-env");
    expect(storePassword(parsed, {})).toBe("from-file");
    expect(storePassword(parseStoreUrl("mysql://zen@db/team", MYSQL, 3306), {})).toBeUndefined();
    chmodSync(file, 0o644);
    const open = refusal(() => storePassword(parsed, {}));
    expect(open.message).toContain("can be read by other users");
    expect(open.hint).toContain("chmod 600");
    expect(open.message).not.toContain("from-file");
    const missing = refusal(() => storePassword(parseStoreUrl(`mysql://zen@db/team?password_file=${join(dir, "none")}`, MYSQL, 3306), {}));
    expect(missing.message).toContain("does not exist");
    expect(refusal(() => parseStoreUrl("mysql://zen@db/team?password_file=relative", MYSQL, 3306)).message).toContain("absolute");
  });
});
