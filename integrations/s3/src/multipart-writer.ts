/**
 * A Writable that uploads to S3 as a multipart upload, in constant memory: incoming bytes are
 * copied into a fixed pool of part buffers (`queueSize + 1` of `partSize` bytes), each full part is
 * uploaded while the next one fills, and a part's buffer is reused once S3 has it. Writes wait
 * (backpressure) while every buffer is in flight.
 *
 * Why not `@aws-sdk/lib-storage`'s `Upload`: its chunker concatenates the incoming chunks into a new
 * buffer for every part, so a stream allocates (and the GC has to reclaim) twice its size; with a
 * pool, a 1 GiB artifact moves through the same few buffers. The object appears only when the
 * upload completes (atomic); a destroyed writer aborts the upload, leaving nothing.
 */
import { Writable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  ChecksumAlgorithm,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from "@aws-sdk/client-s3";

export interface MultipartWriterOptions {
  client: S3Client;
  bucket: string;
  key: string;
  /** Conditional create: the upload fails (412) if the object exists by the time it completes. */
  ifAbsent: boolean;
  /**
   * Size of the first 1000 parts, ≥ 5 MiB (S3's minimum for every part but the last). It doubles
   * every 1000 parts, so a stream of unknown length still fits S3's 10,000 parts (to S3's 5 TiB).
   */
  partSize: number;
  /** Parts uploaded in parallel. */
  queueSize: number;
  /** The part size doubles after this many parts (default 1000). */
  growEvery?: number;
  /** Maps an SDK error to the error the writer reports. */
  mapError: (error: unknown) => Error;
}

export function createMultipartWriter(options: MultipartWriterOptions): Writable {
  const { client, bucket, key, queueSize } = options;
  const MAX_PART = 5 * 1024 ** 3;
  const partSizeFor = (number: number) => Math.min(MAX_PART, options.partSize * 2 ** Math.floor((number - 1) / (options.growEvery ?? 1000)));
  const condition = options.ifAbsent ? { IfNoneMatch: "*" } : {};
  const abort = new AbortController();
  const free: Buffer[] = [];
  let allocated = 0;
  let current: Buffer | undefined;
  let filled = 0;
  let partNumber = 0;
  let uploadId: Promise<string> | undefined;
  let withChecksums = false;
  const parts: CompletedPart[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: Error | undefined;
  let waiting: (() => void) | undefined;
  let completed = false;

  const takeBuffer = (): Buffer | undefined => {
    const size = partSizeFor(partNumber + 1);
    let buffer = free.pop();
    if (buffer && buffer.length >= size) return buffer;
    if (buffer) allocated--; // outgrown: the part size doubled
    buffer = undefined;
    if (allocated > queueSize) return undefined;
    allocated++;
    return Buffer.allocUnsafeSlow(size);
  };

  const startUpload = (): Promise<string> => {
    uploadId ??= (async () => {
      withChecksums = (await client.config.requestChecksumCalculation()) === "WHEN_SUPPORTED";
      const created = await client.send(
        new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ...(withChecksums ? { ChecksumAlgorithm: ChecksumAlgorithm.CRC32 } : {}) }),
        { abortSignal: abort.signal },
      );
      if (!created.UploadId) throw new Error("S3 returned no UploadId for the multipart upload.");
      return created.UploadId;
    })();
    return uploadId;
  };

  /** Uploads the filled part in the background; its buffer returns to the pool when S3 has it. */
  const dispatch = (buffer: Buffer, length: number) => {
    const number = ++partNumber;
    const upload = async () => {
      try {
        const id = await startUpload();
        const result = await client.send(
          new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: id, PartNumber: number, Body: buffer.subarray(0, length), ContentLength: length }),
          { abortSignal: abort.signal },
        );
        if (!result.ETag) throw new Error(`S3 returned no ETag for part ${number}.`);
        parts.push({ PartNumber: number, ETag: result.ETag, ...(result.ChecksumCRC32 ? { ChecksumCRC32: result.ChecksumCRC32 } : {}) });
      } catch (error) {
        failure ??= abort.signal.aborted ? new Error("The upload was cancelled.") : options.mapError(error);
      } finally {
        free.push(buffer);
        waiting?.();
      }
    };
    const task: Promise<void> = upload().finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  /** Resolves when a buffer is free (or the upload failed). */
  const nextBuffer = async (): Promise<Buffer | undefined> => {
    for (;;) {
      if (failure) return undefined;
      const buffer = takeBuffer();
      if (buffer) return buffer;
      await new Promise<void>((resolve) => (waiting = resolve));
      waiting = undefined;
    }
  };

  const abortUpload = async () => {
    abort.abort();
    await Promise.allSettled(inFlight);
    if (uploadId) {
      const id = await uploadId.catch(() => undefined);
      if (id) await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id })).catch(() => {});
    }
  };

  return new Writable({
    // Chunks are copied into the pool at once; the pool, not this queue, bounds memory.
    highWaterMark: 256 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      void (async () => {
        let offset = 0;
        while (offset < chunk.length) {
          if (!current) {
            current = await nextBuffer();
            filled = 0;
            if (!current) return callback(failure);
          }
          const copied = chunk.copy(current, filled, offset);
          filled += copied;
          offset += copied;
          if (filled === current.length) {
            dispatch(current, filled);
            current = undefined;
          }
        }
        callback(failure);
      })();
    },
    final(callback) {
      void (async () => {
        try {
          if (partNumber === 0) {
            // Everything fit in one part: a single PUT.
            const body = current ? current.subarray(0, filled) : Buffer.alloc(0);
            await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: body.length, ...condition }), {
              abortSignal: abort.signal,
            });
            completed = true;
            return callback();
          }
          if (current && filled > 0) dispatch(current, filled);
          current = undefined;
          while (inFlight.size > 0) await Promise.all(inFlight);
          if (failure) throw failure;
          parts.sort((a, b) => a.PartNumber! - b.PartNumber!);
          await client.send(
            new CompleteMultipartUploadCommand({
              Bucket: bucket,
              Key: key,
              UploadId: await startUpload(),
              MultipartUpload: { Parts: withChecksums ? parts : parts.map(({ PartNumber, ETag }) => ({ PartNumber, ETag })) },
              ...condition,
            }),
            { abortSignal: abort.signal },
          );
          completed = true;
          callback();
        } catch (error) {
          await abortUpload();
          callback(failure && error === failure ? failure : options.mapError(error));
        }
      })();
    },
    destroy(error, callback) {
      if (completed) return callback(error);
      abortUpload().then(
        () => callback(error),
        () => callback(error),
      );
    },
  });
}
