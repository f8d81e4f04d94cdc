/** The profile store's schema on a database server: what the SQLite `sql` store holds, plus an explicit order column. */
import type { SqlMigration } from "./schema-migrations.ts";

export const STACKS_STORE = "stacks";

export const STACK_MIGRATIONS: readonly SqlMigration[] = [
  {
    version: 1,
    description: "components, stacks, custom flavors",
    statements: (d) => [
      // One row; every writer locks it first, so read-modify-write transactions queue across machines.
      "CREATE TABLE zen_store_lock (id INTEGER NOT NULL PRIMARY KEY)",
      "INSERT INTO zen_store_lock (id) VALUES (1)",
      `CREATE TABLE zen_components (
        position   INTEGER NOT NULL,
        id         VARCHAR(64) NOT NULL PRIMARY KEY,
        type       VARCHAR(64) NOT NULL,
        name       VARCHAR(255) NOT NULL,
        flavor     VARCHAR(255) NOT NULL,
        config     ${d.text} NOT NULL,
        package    VARCHAR(255),
        created_at VARCHAR(40),
        updated_at VARCHAR(40),
        UNIQUE (type, name)
      )`,
      `CREATE TABLE zen_stacks (
        position   INTEGER NOT NULL,
        id         VARCHAR(64) NOT NULL PRIMARY KEY,
        name       VARCHAR(255) NOT NULL UNIQUE,
        created_at VARCHAR(40),
        updated_at VARCHAR(40)
      )`,
      `CREATE TABLE zen_stack_components (
        position       INTEGER NOT NULL,
        stack_id       VARCHAR(64) NOT NULL,
        type           VARCHAR(64) NOT NULL,
        component_name VARCHAR(255) NOT NULL,
        PRIMARY KEY (stack_id, type)
      )`,
      `CREATE TABLE zen_custom_flavors (
        position  INTEGER NOT NULL,
        type      VARCHAR(64) NOT NULL,
        name      VARCHAR(255) NOT NULL,
        specifier ${d.text} NOT NULL,
        root      ${d.text} NOT NULL,
        PRIMARY KEY (type, name)
      )`,
    ],
  },
];
