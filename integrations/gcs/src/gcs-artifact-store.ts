/**
 * The `gcs` artifact store: objects in a Google Cloud Storage bucket through `@google-cloud/storage`.
 * Writes stream as single-request resumable uploads (no `chunkSize`: the object appears only when
 * the upload finalizes, and no chunk is held for a resume); reads stream the object's media.
 */
import http from "node:http";
import https from "node:https";
import { type Readable, Writable } from "node:stream";
import { Storage, type File } from "@google-cloud/storage";
import { ValidationError, type ComponentInit } from "@zen/core/flavor";
import {
  ObjectArtifactStore,
  parallel,
  resumableRead,
  type ObjectInfo,
  type ObjectLocation,
  type ObjectPage,
  type StoreErrorContext,
} from "@zen/core/object-store";
import type { GcsArtifactStoreConfig } from "./config.ts";
import { gcsStatus, mapGcsError, type GcsErrorTarget } from "./gcs-errors.ts";

interface ServiceAccountKey {
  project_id?: string;
  client_email?: string;
  private_key?: string;
}

export class GcsArtifactStore extends ObjectArtifactStore<GcsArtifactStoreConfig> {
  static override readonly supportedSchemes: readonly string[] = ["gs://"];
  /** How many times a dropped download is resumed (from the offset reached) before the reader sees the error. */
  static readRetries = 3;
  /** A download silent this long (while the reader waits) is taken as dropped and resumed: the library never reports a cut mid-body. */
  static readStallMs = 30_000;
  protected readonly serviceName = "GCS";
  #storage: Storage | undefined;

  constructor(init: ComponentInit<GcsArtifactStoreConfig>) {
    super(init);
  }

  /** The client, built on first use; the project id is always passed, so nothing probes the metadata server for it. */
  get storage(): Storage {
    if (!this.#storage) {
      const key = this.config.service_account_key ? parseServiceAccountKey(this.config.service_account_key, this.name) : undefined;
      const projectId = this.config.project ?? key?.project_id;
      this.#storage = new Storage({
        ...(projectId ? { projectId } : {}),
        ...(this.config.api_endpoint ? { apiEndpoint: this.config.api_endpoint } : {}),
        ...(key ? { credentials: key } : {}),
        // Bounded retries: an unreachable endpoint must fail in seconds, not after the 10-minute default.
        retryOptions: { autoRetry: true, maxRetries: 2, maxRetryDelay: 4, totalTimeout: 30 },
      });
    }
    return this.#storage;
  }

  protected override get errorContext(): StoreErrorContext {
    return { service: this.serviceName, store: this.name, endpoint: this.config.api_endpoint };
  }

  private fail(error: unknown, target: GcsErrorTarget): Error {
    return mapGcsError(error, this.errorContext, target);
  }

  private file(bucket: string, key: string): File {
    return this.storage.bucket(bucket).file(key);
  }

  private fileTarget(bucket: string, key: string): GcsErrorTarget {
    const uri = `gs://${bucket}/${key}`;
    return { bucket, uri, notFound: () => this.notFound(uri), alreadyExists: () => this.alreadyExists(uri) };
  }

  protected async headObject(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    try {
      const [metadata] = await this.file(bucket, key).getMetadata();
      return { key, size: Number(metadata.size ?? 0), modifiedAt: new Date(metadata.updated ?? metadata.timeCreated ?? 0) };
    } catch (error) {
      if (gcsStatus(error) === 404) return undefined;
      throw this.fail(error, { bucket, uri: `gs://${bucket}/${key}` });
    }
  }

  protected async readObject(bucket: string, key: string): Promise<Readable> {
    const target = this.fileTarget(bucket, key);
    // The media request starts lazily; ask for the object first so a missing key fails here, and pin
    // the generation read so a concurrent overwrite cannot mix two versions.
    let generation: string | number | undefined;
    let size: string | number | undefined;
    try {
      [{ generation, size }] = await this.file(bucket, key).getMetadata();
    } catch (error) {
      throw this.fail(error, target);
    }
    const file = generation === undefined ? this.file(bucket, key) : this.storage.bucket(bucket).file(key, { generation });
    // A dropped download resumes from where it stopped (the generation pins the version); errors reach the reader mapped.
    return resumableRead(file.createReadStream(), {
      reopen: async (offset) => file.createReadStream({ start: offset }),
      size: size === undefined ? undefined : Number(size),
      retries: GcsArtifactStore.readRetries,
      stallMs: GcsArtifactStore.readStallMs,
      mapError: (error) => this.fail(error, target),
      uri: target.uri ?? `gs://${bucket}/${key}`,
    });
  }

  protected async writeObject(bucket: string, key: string, options: { ifAbsent: boolean; uri: string }): Promise<Writable> {
    const target = { ...this.fileTarget(bucket, key), bucketOnly: true };
    // The library cannot abort an upload whose stream is destroyed (its request waits for more body
    // forever), so each upload gets its own agent, destroyed with the writer: that ends the request.
    const secure = !this.config.api_endpoint || this.config.api_endpoint.startsWith("https:");
    const agent = secure ? new https.Agent({ keepAlive: false }) : new http.Agent({ keepAlive: false });
    const file = this.file(bucket, key);
    // (The typings say request options carry `uri`; at run time these are the HTTP client's options.)
    file.interceptors.push({ request: (options) => Object.assign(options, { agent }) as unknown as ReturnType<File["interceptors"][number]["request"]> });
    const upload = file.createWriteStream({
      resumable: true,
      metadata: { contentType: "application/octet-stream" },
      ...(options.ifAbsent ? { preconditionOpts: { ifGenerationMatch: 0 } } : {}),
    });
    let failure: Error | undefined;
    let finished = false;
    const fail = (error: Error) => (failure ??= this.fail(error, target));
    upload.on("error", (error: Error) => {
      fail(error);
      writer.destroy(failure);
    });
    const writer: Writable = new Writable({
      highWaterMark: 1024 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        if (failure) return callback(failure);
        if (upload.write(chunk)) callback();
        else upload.once("drain", () => callback(failure));
      },
      final(callback) {
        upload.once("finish", () => {
          finished = true;
          callback(failure);
        });
        upload.once("error", () => callback(failure));
        upload.end();
      },
      destroy(error, callback) {
        // An unfinished upload is never finalized, so no object appears.
        if (!finished && !upload.destroyed) upload.destroy();
        agent.destroy();
        callback(error);
      },
    });
    return writer;
  }

  protected async *listObjects(bucket: string, prefix: string, options: { delimiter: boolean; limit?: number }): AsyncIterable<ObjectPage> {
    let pageToken: string | undefined;
    do {
      let files: File[];
      let next: { pageToken?: string } | null | undefined;
      let response: { prefixes?: string[] } | undefined;
      try {
        [files, next, response] = (await this.storage.bucket(bucket).getFiles({
          prefix,
          autoPaginate: false,
          ...(options.delimiter ? { delimiter: "/" } : {}),
          ...(options.limit ? { maxResults: options.limit } : {}),
          ...(pageToken ? { pageToken } : {}),
        })) as unknown as [File[], { pageToken?: string } | null, { prefixes?: string[] }];
      } catch (error) {
        throw this.fail(error, { bucket, uri: `gs://${bucket}/${prefix}`, bucketOnly: true });
      }
      yield {
        objects: files.map((f) => ({
          key: f.name,
          size: Number(f.metadata.size ?? 0),
          modifiedAt: new Date(f.metadata.updated ?? f.metadata.timeCreated ?? 0),
        })),
        prefixes: response?.prefixes ?? [],
      };
      if (options.limit) return;
      pageToken = next?.pageToken;
    } while (pageToken);
  }

  protected async deleteObjects(bucket: string, keys: string[]): Promise<void> {
    await parallel(keys, 8, async (key) => {
      try {
        await this.file(bucket, key).delete({ ignoreNotFound: true });
      } catch (error) {
        throw this.fail(error, { bucket, uri: `gs://${bucket}/${key}` });
      }
    });
  }

  protected async copyObject(source: ObjectLocation, destination: ObjectLocation, options: { ifAbsent: boolean; uri: string }): Promise<void> {
    try {
      // `copy` follows the rewrite API's continuation tokens, so objects of any size copy server-side.
      await this.file(source.bucket, source.key).copy(this.file(destination.bucket, destination.key), {
        ...(options.ifAbsent ? { preconditionOpts: { ifGenerationMatch: 0 } } : {}),
      });
    } catch (error) {
      throw this.fail(error, {
        bucket: destination.bucket,
        uri: options.uri,
        notFound: () => this.notFound(`gs://${source.bucket}/${source.key}`),
        alreadyExists: () => this.alreadyExists(options.uri),
      });
    }
  }

  protected async bucketExists(bucket: string, prefix = ""): Promise<boolean> {
    // A one-object listing rather than buckets.get: object-level roles (Storage Object Admin) pass.
    try {
      await this.storage.bucket(bucket).getFiles({ prefix, maxResults: 1, autoPaginate: false });
      return true;
    } catch (error) {
      if (gcsStatus(error) === 404) return false;
      throw this.fail(error, { bucket });
    }
  }
}

/** The key JSON a `service_account_key` reference resolved to; its content is never echoed. */
function parseServiceAccountKey(text: string, store: string): ServiceAccountKey {
  let key: unknown;
  try {
    key = JSON.parse(text);
  } catch {
    key = undefined;
  }
  if (
    typeof key !== "object" ||
    key === null ||
    typeof (key as ServiceAccountKey).client_email !== "string" ||
    typeof (key as ServiceAccountKey).private_key !== "string"
  ) {
    throw new ValidationError(`The service_account_key of artifact store '${store}' is not a service-account key JSON.`, {
      hint: "Store the whole key file as the secret's value: `zen secret register gcp --key=@key.json`, then `--service_account_key={{gcp.key}}`.",
    });
  }
  return key as ServiceAccountKey;
}
