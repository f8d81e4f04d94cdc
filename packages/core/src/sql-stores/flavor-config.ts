/** The configuration both database-server metadata store flavors share (`mysql`, `postgres`). */
import { z } from "zod";
import { secretField } from "../flavor.ts";
import { DEFAULT_CONNECT_TIMEOUT_MS, type SqlServerOptions } from "./server-options.ts";

export function sqlServerConfigSchema(defaultPort: number, defaultUser: string) {
  return z.object({
    host: z.string().min(1).meta({ description: "Host name or address of the database server" }),
    port: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .optional()
      .meta({ description: `TCP port (default ${defaultPort})` }),
    database: z.string().min(1).max(64).meta({ description: "Database holding zen's tables (created beforehand)" }),
    username: z
      .string()
      .min(1)
      .optional()
      .meta({ description: `User name (default ${defaultUser})` }),
    password: secretField("Password, as a secret reference").optional(),
    ssl: z.boolean().optional().meta({ description: "Connect over TLS (implied by any ssl_* option)" }),
    ssl_ca: z.string().min(1).optional().meta({ description: "Path to the PEM file of the CA that signed the server certificate" }),
    ssl_cert: z.string().min(1).optional().meta({ description: "Path to a PEM client certificate" }),
    ssl_key: z.string().min(1).optional().meta({ description: "Path to the PEM key of the client certificate" }),
    ssl_verify: z.boolean().optional().meta({ description: "Verify the server certificate and host name (default true)" }),
    connect_timeout_ms: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: `Give up connecting after this many milliseconds (default ${DEFAULT_CONNECT_TIMEOUT_MS})` }),
  });
}

export type SqlServerConfig = z.infer<ReturnType<typeof sqlServerConfigSchema>>;

export function serverOptionsFromConfig(config: SqlServerConfig, defaultPort: number, defaultUser: string): SqlServerOptions {
  const tls =
    config.ssl === true || config.ssl_ca || config.ssl_cert || config.ssl_key || config.ssl_verify !== undefined
      ? { ca: config.ssl_ca, cert: config.ssl_cert, key: config.ssl_key, verify: config.ssl_verify ?? true }
      : undefined;
  return {
    host: config.host,
    port: config.port ?? defaultPort,
    database: config.database,
    user: config.username ?? defaultUser,
    password: config.password,
    tls,
    connectTimeoutMs: config.connect_timeout_ms ?? DEFAULT_CONNECT_TIMEOUT_MS,
  };
}
