/** Artifact store: a working store on local files behind a `<flavor>://` scheme, as a storage service would be. */
import type { TypeTemplate } from "../type-template.ts";

export const artifactStoreTemplate: TypeTemplate = {
  description: (n) => `Artifacts in the ${n.flavor} storage service (${n.flavor}://bucket/prefix)`,
  usesSecretField: true,
  configFields: (n) => `    path: z
      .string()
      .regex(/^${n.flavor}:\\/\\/[^/\\s]+(\\/.*)?$/, { message: "must be ${n.flavor}://<bucket>[/<prefix>]" })
      .meta({ description: "Bucket and prefix the artifacts go under, e.g. ${n.flavor}://my-bucket/zen" }),
    root: z.string().min(1).meta({ description: "Directory where this skeleton keeps the objects (replace it with your service's endpoint)" }),
    // A secret field only accepts a reference like {{my_secret.token}}, resolved through the stack's
    // secrets manager when the store is used: the value is never stored or shown.
    token: secretField("API token of the storage service").optional(),`,
  exampleConfig: (n) => ({ path: `${n.flavor}://my-bucket/zen`, root: `/tmp/${n.flavor}-objects` }),
  invalidConfigs: (n) => [
    { path: "s3://my-bucket/zen", root: `/tmp/${n.flavor}-objects` },
    { path: `${n.flavor}://my-bucket/zen` },
    { path: `${n.flavor}://my-bucket/zen`, root: `/tmp/${n.flavor}-objects`, token: "a-literal-token" },
  ],
  readme: (n) =>
    `The skeleton in \`src/${n.moduleName}.ts\` keeps objects as files under \`root\`, addressed as
\`${n.flavor}://<bucket>/<key>\`, so it works — and passes the conformance suite — before you change
anything. Replace each primitive (\`openRead\`, \`openWrite\`, \`exists\`, \`stat\`, \`list\`, \`makedirs\`,
\`remove\`, \`rename\`, \`copy\`) with calls to your storage service, keeping their contracts: a missing
path is a \`NotFoundError\`, a write is atomic, an existing target is a \`ConflictError\` unless
\`overwrite\` is set. Everything else (\`readText\`, \`walk\`, \`glob\`, …) comes from \`BaseArtifactStore\`.`,
  implementation: (n) => `/**
 * The \`${n.flavor}\` artifact store. This skeleton keeps objects as files under \`root\`, addressed as
 * \`${n.flavor}://<bucket>/<key>\`: it works before you change anything. Replace each primitive with a call
 * to your storage service, keeping its contract (see BaseArtifactStore in @zen/core).
 */
import { randomBytes } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Writable, type Readable } from "node:stream";
import {
  BaseArtifactStore,
  ConflictError,
  NotFoundError,
  ValidationError,
  type CopyOptions,
  type FileStat,
  type WriteOptions,
} from "@zen/core";
import type { ${n.configType} } from "./flavors.ts";

const SCHEME = "${n.flavor}://";
/** In-progress uploads sit next to their target under this suffix until they are complete. */
const PARTIAL = ".partial-upload";

export class ${n.className} extends BaseArtifactStore<${n.configType}> {
  static override readonly supportedSchemes: readonly string[] = [SCHEME];

  /** \`${n.flavor}://bucket/key\` → the file that holds it (never outside \`root\`). */
  private file(uri: string): string {
    const root = path.resolve(this.config.root);
    const file = path.resolve(root, uri.slice(SCHEME.length));
    if (file !== root && !file.startsWith(root + path.sep)) {
      throw new ValidationError(\`'\${uri}' points outside the store.\`, { hint: "Use ${n.flavor}://<bucket>/<key> without '..'." });
    }
    return file;
  }

  async openRead(uri: string): Promise<Readable> {
    const handle = await fs.open(this.file(uri), "r").catch((error: NodeJS.ErrnoException) => {
      throw error.code === "ENOENT" || error.code === "EISDIR" ? notFound(uri) : error;
    });
    return handle.createReadStream();
  }

  async openWrite(uri: string, options: WriteOptions = {}): Promise<Writable> {
    const target = this.file(uri);
    const overwrite = options.overwrite ?? true;
    if (!overwrite && (await pathExists(target))) throw exists(uri);
    await fs.mkdir(path.dirname(target), { recursive: true });
    // Upload to a temporary object, then move it into place when the stream finishes: readers see
    // the old object or the whole new one, never a partial write.
    const temp = \`\${target}.\${randomBytes(6).toString("hex")}\${PARTIAL}\`;
    const file: WriteStream = createWriteStream(temp, { flags: "wx" });
    const writer = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        file.write(chunk, (error) => callback(error ?? null));
      },
      final(callback) {
        file.end(() => commit(temp, target, overwrite, uri).then(() => callback(), (error: Error) => callback(error)));
      },
      destroy(error, callback) {
        file.destroy();
        fs.rm(temp, { force: true }).then(() => callback(error), () => callback(error));
      },
    });
    file.on("error", (error) => writer.destroy(error));
    return writer;
  }

  async exists(uri: string): Promise<boolean> {
    return pathExists(this.file(uri));
  }

  async stat(uri: string): Promise<FileStat> {
    const stats = await fs.stat(this.file(uri)).catch((error: NodeJS.ErrnoException) => {
      throw error.code === "ENOENT" ? notFound(uri) : error;
    });
    return { size: stats.size, isDirectory: stats.isDirectory(), modifiedAt: stats.mtime };
  }

  async list(uri: string): Promise<string[]> {
    const names = await fs.readdir(this.file(uri)).catch((error: NodeJS.ErrnoException) => {
      throw error.code === "ENOENT" ? notFound(uri) : error;
    });
    return names.filter((name) => !name.endsWith(PARTIAL)).sort();
  }

  async makedirs(uri: string): Promise<void> {
    await fs.mkdir(this.file(uri), { recursive: true });
  }

  async remove(uri: string, options: { recursive?: boolean } = {}): Promise<void> {
    const target = this.file(uri);
    const stats = await fs.lstat(target).catch(() => undefined);
    if (!stats) return;
    if (stats.isDirectory() && !options.recursive) await fs.rmdir(target);
    else await fs.rm(target, { recursive: options.recursive ?? false, force: true });
  }

  async rename(source: string, destination: string, options: CopyOptions = {}): Promise<void> {
    const from = this.file(source);
    const to = this.file(destination);
    if (!(await pathExists(from))) throw notFound(source);
    if (await pathExists(to)) {
      if (!options.overwrite) throw exists(destination);
      await fs.rm(to, { recursive: true, force: true });
    }
    await fs.mkdir(path.dirname(to), { recursive: true });
    await fs.rename(from, to);
  }

  async copy(source: string, destination: string, options: CopyOptions = {}): Promise<void> {
    const from = this.file(source);
    const to = this.file(destination);
    if (!(await pathExists(from))) throw notFound(source);
    if (!options.overwrite && (await pathExists(to))) throw exists(destination);
    await fs.mkdir(path.dirname(to), { recursive: true });
    await fs.cp(from, to, { recursive: true, force: options.overwrite ?? false, errorOnExist: !options.overwrite });
  }
}

/** Moves a finished upload into place; without overwrite, a hard link fails if the target appeared meanwhile. */
async function commit(temp: string, target: string, overwrite: boolean, uri: string): Promise<void> {
  if (overwrite) {
    await fs.rename(temp, target);
    return;
  }
  try {
    await fs.link(temp, target);
  } catch (error) {
    throw (error as NodeJS.ErrnoException).code === "EEXIST" ? exists(uri) : error;
  } finally {
    await fs.rm(temp, { force: true });
  }
}

async function pathExists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

function notFound(uri: string): NotFoundError {
  return new NotFoundError(\`No object or directory at '\${uri}' in the ${n.flavor} store.\`, {
    hint: "Check the path; artifacts of deleted runs may have been removed.",
  });
}

function exists(uri: string): ConflictError {
  return new ConflictError(\`'\${uri}' already exists in the ${n.flavor} store.\`, { hint: "Pass { overwrite: true } to replace it." });
}
`,
  test: (n) => ({
    imports: [
      `import { mkdtempSync, rmSync } from "node:fs";`,
      `import { tmpdir } from "node:os";`,
      `import { join } from "node:path";`,
      `import { describeArtifactStoreConformance, describeFlavorConformance } from "@zen/core/testing";`,
    ],
    body: `// The behaviour every artifact store owes zen: the filesystem API, missing paths, atomic and
// concurrent writes, and a large file streamed in bounded memory (32 MiB here; 200 MiB under CI).
describeArtifactStoreConformance(
  "${n.flavor}",
  async () => {
    const root = mkdtempSync(join(tmpdir(), "${n.flavor}-objects-"));
    const store = new ${n.className}({
      id: "${n.flavor}-conformance",
      name: "${n.flavor}_conformance",
      flavor: "${n.flavor}",
      config: { path: "${n.flavor}://conformance", root },
      configDir: root,
    });
    return { store, root: "${n.flavor}://conformance/run", cleanup: async () => rmSync(root, { recursive: true, force: true }) };
  },
  { largeFileBytes: 32 * 1024 * 1024 },
);
`,
  }),
};
