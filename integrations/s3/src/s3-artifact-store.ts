/**
 * The `s3` artifact store: objects in an S3 bucket through the AWS SDK v3. Uploads stream as
 * multipart uploads through a fixed pool of part buffers (multipart-writer.ts), downloads stream the
 * response body and resume with a ranged GET if the connection drops, so memory stays bounded
 * whatever the artifact size.
 */
import type { Readable, Writable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  UploadPartCopyCommand,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import type { ComponentInit } from "@zen/core/flavor";
import {
  ObjectArtifactStore,
  parallel,
  resumableRead,
  type ObjectInfo,
  type ObjectLocation,
  type ObjectPage,
  type StoreErrorContext,
} from "@zen/core/object-store";
import type { S3ArtifactStoreConfig } from "./config.ts";
import { createMultipartWriter } from "./multipart-writer.ts";
import { mapS3Error, s3ErrorName, s3Status, type S3ErrorTarget } from "./s3-errors.ts";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export class S3ArtifactStore extends ObjectArtifactStore<S3ArtifactStoreConfig> {
  static override readonly supportedSchemes: readonly string[] = ["s3://"];
  /** Multipart part size: S3 needs ≥ 5 MiB; a write holds `(queueSize + 1) × partSize` in memory. */
  static partSize = 6 * MiB;
  /** Parts uploaded in parallel. */
  static queueSize = 3;
  /** The part size doubles every this many parts, so streams of unknown size fit S3's 10,000 parts. */
  static partGrowthEvery = 1000;
  /** Objects above this are copied part by part (CopyObject stops at 5 GiB). */
  static multipartCopyThreshold = 5 * GiB;
  static copyPartSize = 512 * MiB;
  /** Times a download resumes (ranged GET from the last byte received) after a dropped connection. */
  static readRetries = 3;
  /** A download silent this long (while the reader waits) is taken as dropped and resumed. */
  static readStallMs = 30_000;

  protected readonly serviceName = "S3";
  #client: S3Client | undefined;

  constructor(init: ComponentInit<S3ArtifactStoreConfig>) {
    super(init);
  }

  /** The SDK client, built on first use (credentials from the config, else the AWS default chain). */
  get client(): S3Client {
    this.#client ??= new S3Client(s3ClientConfig(this.config));
    return this.#client;
  }

  protected override get errorContext(): StoreErrorContext {
    return { service: this.serviceName, store: this.name, endpoint: this.config.endpoint_url };
  }

  private fail(error: unknown, target: S3ErrorTarget): Error {
    return mapS3Error(error, this.errorContext, target);
  }

  private uri(bucket: string, key: string): string {
    return `s3://${bucket}/${key}`;
  }

  private fileTarget(bucket: string, key: string): S3ErrorTarget {
    const uri = this.uri(bucket, key);
    return { bucket, uri, notFound: () => this.notFound(uri), alreadyExists: () => this.alreadyExists(uri) };
  }

  protected async headObject(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { key, size: head.ContentLength ?? 0, modifiedAt: head.LastModified ?? new Date(0) };
    } catch (error) {
      // HEAD responses have no body, so a missing bucket also looks like this; the listing or write
      // that follows a miss reports it.
      if (s3Status(error) === 404 || s3ErrorName(error) === "NotFound" || s3ErrorName(error) === "NoSuchKey") return undefined;
      throw this.fail(error, { bucket, uri: this.uri(bucket, key) });
    }
  }

  protected async readObject(bucket: string, key: string): Promise<Readable> {
    const target = this.fileTarget(bucket, key);
    const get = async (range?: { offset: number; etag: string | undefined }) => {
      try {
        return await this.client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: key,
            ...(range ? { Range: `bytes=${range.offset}-`, ...(range.etag ? { IfMatch: range.etag } : {}) } : {}),
          }),
        );
      } catch (error) {
        if (s3ErrorName(error) === "PreconditionFailed") {
          throw new Error(`'${target.uri}' changed while it was being read.`, { cause: error });
        }
        throw this.fail(error, target);
      }
    };
    const first = await get();
    const etag = first.ETag;
    // A dropped download resumes from where it stopped, pinned to the version first read (If-Match).
    return resumableRead(first.Body as Readable, {
      reopen: async (offset) => (await get({ offset, etag })).Body as Readable,
      size: first.ContentLength,
      retries: S3ArtifactStore.readRetries,
      stallMs: S3ArtifactStore.readStallMs,
      mapError: (error) => this.fail(error, target),
      uri: target.uri ?? this.uri(bucket, key),
    });
  }

  protected async writeObject(bucket: string, key: string, options: { ifAbsent: boolean; uri: string }): Promise<Writable> {
    const target = this.fileTarget(bucket, key);
    return createMultipartWriter({
      client: this.client,
      bucket,
      key,
      ifAbsent: options.ifAbsent,
      partSize: S3ArtifactStore.partSize,
      queueSize: S3ArtifactStore.queueSize,
      growEvery: S3ArtifactStore.partGrowthEvery,
      mapError: (error) => this.fail(error, target),
    });
  }

  protected async *listObjects(bucket: string, prefix: string, options: { delimiter: boolean; limit?: number }): AsyncIterable<ObjectPage> {
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix || undefined,
            ...(options.delimiter ? { Delimiter: "/" } : {}),
            ...(options.limit ? { MaxKeys: options.limit } : {}),
            ContinuationToken: token,
          }),
        );
      } catch (error) {
        throw this.fail(error, { bucket, uri: this.uri(bucket, prefix) });
      }
      yield {
        objects: (page.Contents ?? []).map((o) => ({ key: o.Key ?? "", size: o.Size ?? 0, modifiedAt: o.LastModified ?? new Date(0) })),
        prefixes: (page.CommonPrefixes ?? []).map((p) => p.Prefix ?? "").filter((p) => p !== ""),
      };
      if (options.limit) return;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  protected async deleteObjects(bucket: string, keys: string[]): Promise<void> {
    try {
      if (keys.length === 1) {
        await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: keys[0] }));
        return;
      }
      const result = await this.client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
      const failed = (result.Errors ?? []).filter((e) => e.Code !== "NoSuchKey");
      if (failed.length > 0) {
        const first = failed[0]!;
        throw Object.assign(new Error(`${failed.length} object(s) could not be deleted, e.g. '${first.Key}': ${first.Message ?? first.Code}`), {
          name: first.Code ?? "DeleteFailed",
        });
      }
    } catch (error) {
      throw this.fail(error, { bucket, uri: this.uri(bucket, keys[0] ?? "") });
    }
  }

  protected async copyObject(source: ObjectLocation, destination: ObjectLocation, options: { ifAbsent: boolean; uri: string; size: number }): Promise<void> {
    const target: S3ErrorTarget = {
      bucket: destination.bucket,
      uri: options.uri,
      notFound: () => this.notFound(this.uri(source.bucket, source.key)),
      alreadyExists: () => this.alreadyExists(options.uri),
    };
    const copySource = `${source.bucket}/${encodeKey(source.key)}`;
    const condition = options.ifAbsent ? { IfNoneMatch: "*" } : {};
    try {
      if (options.size <= S3ArtifactStore.multipartCopyThreshold) {
        await this.client.send(new CopyObjectCommand({ Bucket: destination.bucket, Key: destination.key, CopySource: copySource, ...condition }));
        return;
      }
      await this.multipartCopy(copySource, destination, options.size, condition);
    } catch (error) {
      throw this.fail(error, target);
    }
  }

  /** CopyObject stops at 5 GiB: larger objects are copied as parts (UploadPartCopy), server-side. */
  private async multipartCopy(copySource: string, destination: ObjectLocation, size: number, condition: { IfNoneMatch?: string }): Promise<void> {
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket: destination.bucket, Key: destination.key }));
    try {
      const ranges: { PartNumber: number; range: string }[] = [];
      for (let start = 0, part = 1; start < size; start += S3ArtifactStore.copyPartSize, part++) {
        ranges.push({ PartNumber: part, range: `bytes=${start}-${Math.min(start + S3ArtifactStore.copyPartSize, size) - 1}` });
      }
      const parts: { PartNumber: number; ETag: string | undefined }[] = [];
      await parallel(ranges, S3ArtifactStore.queueSize, async ({ PartNumber, range }) => {
        const result = await this.client.send(
          new UploadPartCopyCommand({ Bucket: destination.bucket, Key: destination.key, UploadId, PartNumber, CopySource: copySource, CopySourceRange: range }),
        );
        parts.push({ PartNumber, ETag: result.CopyPartResult?.ETag });
      });
      parts.sort((a, b) => a.PartNumber - b.PartNumber);
      await this.client.send(
        new CompleteMultipartUploadCommand({ Bucket: destination.bucket, Key: destination.key, UploadId, MultipartUpload: { Parts: parts }, ...condition }),
      );
    } catch (error) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: destination.bucket, Key: destination.key, UploadId })).catch(() => {});
      throw error;
    }
  }

  protected async bucketExists(bucket: string, prefix = ""): Promise<boolean> {
    // A one-key listing rather than HeadBucket: its XML error tells bad credentials from a denied
    // bucket, and a policy that allows listing only the store's prefix passes.
    try {
      await this.client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1, ...(prefix ? { Prefix: prefix } : {}) }));
      return true;
    } catch (error) {
      if (s3ErrorName(error) === "NoSuchBucket") return false;
      throw this.fail(error, { bucket });
    }
  }

  override async cleanupPipelineRun(): Promise<void> {
    // Free the connection pool; a later use builds a new client.
    this.#client?.destroy();
    this.#client = undefined;
  }
}

/** The S3Client settings for a config: explicit credentials when given, path-style with a custom endpoint. */
export function s3ClientConfig(config: S3ArtifactStoreConfig): S3ClientConfig {
  const upper = (value: "when_supported" | "when_required" | undefined) =>
    value === undefined ? undefined : value === "when_supported" ? ("WHEN_SUPPORTED" as const) : ("WHEN_REQUIRED" as const);
  return {
    ...(config.region ? { region: config.region } : config.endpoint_url && !process.env.AWS_REGION ? { region: "us-east-1" } : {}),
    ...(config.endpoint_url ? { endpoint: config.endpoint_url } : {}),
    forcePathStyle: config.force_path_style ?? config.endpoint_url !== undefined,
    ...(config.access_key_id && config.secret_access_key
      ? {
          credentials: {
            accessKeyId: config.access_key_id,
            secretAccessKey: config.secret_access_key,
            ...(config.session_token ? { sessionToken: config.session_token } : {}),
          },
        }
      : {}),
    ...(config.request_checksum_calculation ? { requestChecksumCalculation: upper(config.request_checksum_calculation) } : {}),
    ...(config.response_checksum_validation ? { responseChecksumValidation: upper(config.response_checksum_validation) } : {}),
    maxAttempts: 3,
    // Bounded connect time, so an unreachable endpoint fails in seconds; idle sockets time out too.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
  };
}

/** A key as CopySource wants it: each path segment URI-encoded, slashes kept. */
function encodeKey(key: string): string {
  return key.split("/").map(encodeURIComponent).join("/");
}
