/**
 * The small database surface the SQL stores are written against, so that one implementation of each
 * store serves every server: a driver package (`@zen/integration-mysql`, `@zen/integration-postgres`)
 * adapts its client library to this interface and names its dialect. SQL uses `?` placeholders; the
 * PostgreSQL adapter rewrites them to `$n`.
 */

export type Row = Record<string, unknown>;

export type SqlDialectName = "mysql" | "postgres";

export interface SqlConnection {
  /** Rows of a SELECT (or of a statement with RETURNING). */
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** A statement without result rows; resolves to the number of rows it changed. */
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
}

/** One statement of a batch: SQL with `?` placeholders and their values. */
export interface SqlStatement {
  sql: string;
  params?: readonly unknown[] | undefined;
}

export interface SqlClient extends SqlConnection {
  readonly dialect: SqlDialectName;
  /** The server and database, password-free, for messages: `mysql://zen@db:3306/zen`. */
  readonly target: string;
  /**
   * Requests sent to the server so far (each one waits for its answer): what a store's hot path is
   * measured by, independent of the machine's load.
   */
  readonly roundTrips: number;
  /**
   * Runs the statements as one transaction in ONE round trip (MySQL: a multi-statement request;
   * PostgreSQL: one simple-protocol request with the values escaped in), committed when all succeed,
   * rolled back otherwise; resolves to the number of rows each statement changed. The statements may
   * use session variables (MySQL) to depend on each other, since they share one connection.
   */
  batch(statements: readonly SqlStatement[]): Promise<number[]>;
  /**
   * Runs the statements (meant for reads) in ONE request and resolves to the rows of each (none for a
   * statement without result rows). Statements may pass values to later ones
   * through session variables on MySQL (they share one connection).
   */
  queryBatch(statements: readonly SqlStatement[]): Promise<Row[][]>;
  /**
   * Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it
   * throws. Deadlocks and serialization failures are retried from the start a few times.
   */
  transaction<T>(work: (tx: SqlConnection) => Promise<T>): Promise<T>;
  /**
   * Runs `work` holding the server-wide advisory lock `name` (MySQL `GET_LOCK`, PostgreSQL
   * `pg_advisory_lock`), which other zen processes on any machine wait for.
   */
  withLock<T>(name: string, work: (connection: SqlConnection) => Promise<T>): Promise<T>;
  /** True for a unique-key violation raised by this driver. */
  isUniqueViolation(error: unknown): boolean;
  /** True when the error says the server could not be reached or the connection broke (worth retrying later). */
  isConnectionLost(error: unknown): boolean;
  close(): Promise<void>;
}

/** Column types and statement forms that differ between the dialects. */
export interface SqlDialect {
  /** Auto-incrementing 64-bit primary key column. */
  serial: string;
  /** Long text (JSON documents, error messages). */
  text: string;
  /** Appended to every CREATE TABLE: on MySQL, utf8mb4 whatever the server's default, binary (case-sensitive) names as in SQLite. */
  tableOptions: string;
  /** Suffix of a SELECT that takes shared row locks (waits for a writer holding the row). */
  lockShared: string;
  /** An INSERT that does nothing when the row's unique key exists. */
  insertIgnore(table: string, columns: readonly string[], conflict: readonly string[]): string;
  /** An aggregate turning the rows of a (correlated) subquery into one JSON array of objects, NULL when there are none. */
  jsonObjects(fields: Readonly<Record<string, string>>): string;
}

const pairs = (fields: Readonly<Record<string, string>>) =>
  Object.entries(fields)
    .map(([key, expression]) => `'${key}', ${expression}`)
    .join(", ");

export const DIALECTS: Record<SqlDialectName, SqlDialect> = {
  mysql: {
    serial: "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
    text: "LONGTEXT",
    tableOptions: " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    lockShared: "LOCK IN SHARE MODE",
    insertIgnore: (table, columns) => `INSERT IGNORE INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
    jsonObjects: (fields) => `JSON_ARRAYAGG(JSON_OBJECT(${pairs(fields)}))`,
  },
  postgres: {
    serial: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    text: "TEXT",
    tableOptions: "",
    lockShared: "FOR SHARE",
    insertIgnore: (table, columns, conflict) =>
      `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")}) ON CONFLICT (${conflict.join(", ")}) DO NOTHING`,
    jsonObjects: (fields) => `json_agg(json_build_object(${pairs(fields)}))`,
  },
};

const RETRIES = 5;

/**
 * Runs `attempt` (a whole transaction) again while it fails with an error `retryable` accepts
 * (deadlock, serialization failure), a few times after a short random pause; shared by the drivers.
 */
export async function retryTransaction<T>(retryable: (error: unknown) => boolean, attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= RETRIES || !retryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * n * Math.random()));
    }
  }
}
