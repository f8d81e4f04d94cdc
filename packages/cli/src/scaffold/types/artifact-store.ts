/** Artifact store: an ObjectArtifactStore whose object primitives keep objects on local files, as a storage service would. */
import type { TypeTemplate } from "../type-template.ts";

export const artifactStoreTemplate: TypeTemplate = {
  description: (n) => `Stores pipeline artifacts as objects in a storage service, at ${n.flavor}://<bucket>/<prefix>`,
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
    `The skeleton in \`src/${n.moduleName}.ts\` extends \`ObjectArtifactStore\` from \`@zen/core/object-store\`,
which builds the filesystem API zen uses (directories, \`walk\`, \`glob\`, recursive \`copy\`, \`rename\`
and \`remove\`, error messages) from a few object primitives, as zen's own \`s3\` and \`gcs\` flavors do.
It keeps objects as files under \`root\`, one directory per bucket, so it works — and passes the
conformance suite — before you change anything. Replace each primitive (\`headObject\`, \`readObject\`,
\`writeObject\`, \`listObjects\`, \`deleteObjects\`, \`copyObject\`, \`bucketExists\`) with calls to your
storage service, keeping their contracts: a missing object is \`undefined\` from \`headObject\` and
\`this.notFound(uri)\` from \`readObject\`; a written object appears only when its upload completes;
with \`ifAbsent\`, a write or copy onto an existing object fails with \`this.alreadyExists(uri)\`; with
\`delimiter\`, \`listObjects\` returns one level, deeper keys grouped as prefixes ending in \`/\`. Map
your SDK's errors with \`credentialsError\`, \`permissionError\`, \`unreachableError\` and
\`bucketNotFoundError\` from the same module.`,
  implementation: (n) => `/**
 * The \`${n.flavor}\` artifact store: objects in the ${n.flavor} storage service, addressed as
 * \`${n.flavor}://<bucket>/<key>\`. ObjectArtifactStore (@zen/core/object-store) builds the filesystem API
 * zen uses from the object primitives below. This skeleton implements them on local files under
 * \`root\`, so it works before you change anything: replace each with a call to your service (its
 * client built from \`this.config\`, e.g. \`this.config.token\`), keeping the contract in its comment.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { Writable, type Readable } from "node:stream";
import { ValidationError } from "@zen/core/flavor";
import { ObjectArtifactStore, parallel, type ObjectInfo, type ObjectLocation, type ObjectPage } from "@zen/core/object-store";
import type { ${n.configType} } from "./flavors.ts";

export class ${n.className} extends ObjectArtifactStore<${n.configType}> {
  static override readonly supportedSchemes: readonly string[] = ["${n.flavor}://"];
  protected readonly serviceName = "${n.flavor}";

  /** Replace with your service's object metadata request (HEAD); a missing object is undefined. */
  protected async headObject(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    const stats = await fs.stat(this.objectFile(bucket, key)).catch(ifMissing(undefined));
    return stats && { key, size: stats.size, modifiedAt: stats.mtime };
  }

  /** Replace with a streaming download (GET); a missing object is \`this.notFound(uri)\`. */
  protected async readObject(bucket: string, key: string): Promise<Readable> {
    const file = await fs.open(this.objectFile(bucket, key), "r").catch((error: NodeJS.ErrnoException) => {
      throw error.code === "ENOENT" ? this.notFound(\`${n.flavor}://\${bucket}/\${key}\`) : error;
    });
    return file.createReadStream();
  }

  /** Replace with a streaming upload whose object appears only when it completes, conditional with ifAbsent. */
  protected async writeObject(bucket: string, key: string, options: { ifAbsent: boolean; uri: string }): Promise<Writable> {
    const temp = await this.tempFile();
    const file = (await fs.open(temp, "wx")).createWriteStream();
    const writer = new Writable({
      write: (chunk: Buffer, _encoding, done) => file.write(chunk, done),
      final: (done) => file.end(() => this.commit(temp, bucket, key, options).then(() => done(), done)),
      // A cancelled upload leaves no object.
      destroy: (error, done) => {
        file.destroy();
        fs.rm(temp, { force: true }).then(() => done(error), done);
      },
    });
    file.on("error", (error) => writer.destroy(error));
    return writer;
  }

  /** Replace with your service's listing, page by page, with "/" as the delimiter when asked. */
  protected async *listObjects(bucket: string, prefix: string, options: { delimiter: boolean; limit?: number }): AsyncIterable<ObjectPage> {
    // One page from a scan of the whole bucket directory: fine for a skeleton, slow for big buckets.
    const names = await fs.readdir(this.bucketDir(bucket)).catch(ifMissing([]));
    const objects: ObjectInfo[] = [];
    const prefixes = new Set<string>();
    for (const key of names.map(decodeURIComponent).filter((k) => k.startsWith(prefix)).sort()) {
      const slash = options.delimiter ? key.indexOf("/", prefix.length) : -1;
      if (slash !== -1) prefixes.add(key.slice(0, slash + 1));
      else {
        const object = await this.headObject(bucket, key);
        if (object) objects.push(object);
      }
      if (options.limit && objects.length + prefixes.size >= options.limit) break;
    }
    yield { objects, prefixes: [...prefixes] };
  }

  /** Replace with your service's (batch) delete; a missing object is not an error. */
  protected async deleteObjects(bucket: string, keys: string[]): Promise<void> {
    await parallel(keys, 8, (key) => fs.rm(this.objectFile(bucket, key), { force: true }));
  }

  /** Replace with your service's server-side copy, conditional with ifAbsent. */
  protected async copyObject(source: ObjectLocation, destination: ObjectLocation, options: { ifAbsent: boolean; uri: string }): Promise<void> {
    const temp = await this.tempFile();
    await fs.copyFile(this.objectFile(source.bucket, source.key), temp).catch((error: NodeJS.ErrnoException) => {
      throw error.code === "ENOENT" ? this.notFound(\`${n.flavor}://\${source.bucket}/\${source.key}\`) : error;
    });
    await this.commit(temp, destination.bucket, destination.key, options);
  }

  /** Replace with a one-object listing of the bucket: false when your service says it does not exist. */
  protected async bucketExists(bucket: string): Promise<boolean> {
    this.bucketDir(bucket); // (refuses names that would leave \`root\`)
    // Every bucket exists here (its directory appears with its first object), so a new store works at once.
    return true;
  }

  // ── the skeleton's storage: \`root/<bucket>/<encoded key>\` ──────────────────

  /** One directory per bucket under \`root\`. */
  private bucketDir(bucket: string): string {
    if (bucket.startsWith(".")) {
      throw new ValidationError(\`'\${bucket}' is not a valid ${n.flavor} bucket name.\`, { hint: "Start the bucket name with a letter or a digit." });
    }
    return path.join(this.config.root, encodeURIComponent(bucket));
  }

  /**
   * One file per object, named by its whole key encoded (\`a%2Fb\`), so the object \`a/b\` and the
   * directory marker \`a/b/\` are two files. (Encoded keys must fit a file name: about 255 bytes.)
   */
  private objectFile(bucket: string, key: string): string {
    return path.join(this.bucketDir(bucket), encodeURIComponent(key));
  }

  /** A new file for an upload in progress, outside every bucket so that listings never see it. */
  private async tempFile(): Promise<string> {
    const uploads = path.join(this.config.root, ".uploads");
    await fs.mkdir(uploads, { recursive: true });
    return path.join(uploads, randomUUID());
  }

  /** Moves a finished upload into place: rename replaces an object, link fails if one exists. */
  private async commit(temp: string, bucket: string, key: string, options: { ifAbsent: boolean; uri: string }): Promise<void> {
    const target = this.objectFile(bucket, key);
    try {
      await fs.mkdir(path.dirname(target), { recursive: true });
      await (options.ifAbsent ? fs.link(temp, target) : fs.rename(temp, target));
    } catch (error) {
      throw (error as NodeJS.ErrnoException).code === "EEXIST" ? this.alreadyExists(options.uri) : error;
    } finally {
      await fs.rm(temp, { force: true });
    }
  }
}

/** For \`.catch\`: a missing file or directory gives \`value\`; other errors pass through. */
function ifMissing<T>(value: T): (error: NodeJS.ErrnoException) => T {
  return (error) => {
    if (error.code === "ENOENT") return value;
    throw error;
  };
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
