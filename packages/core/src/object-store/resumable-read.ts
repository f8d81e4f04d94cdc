/**
 * Reading a large object as one stream that survives dropped connections: when the download fails
 * with a network error (or ends short of the object's size), the rest is asked for again from the
 * offset reached, a few times, and the reader sees one uninterrupted stream. The bytes flow through
 * `pipe` rather than an async generator, so a 1 GiB read costs no promise per chunk.
 */
import { PassThrough, type Readable } from "node:stream";
import { networkErrorCode } from "./store-errors.ts";

const MiB = 1024 * 1024;

export interface ResumableReadOptions {
  /** The object's bytes from `offset` on; the first call (offset 0) happened already: its stream is `first`. */
  reopen(offset: number): Promise<Readable>;
  /** The object's size when known: a download that ends before it is resumed like a dropped one. */
  size: number | undefined;
  /** How many times a failed download is resumed before the reader gets the error. */
  retries: number;
  /** What the reader sees instead of a raw error (the store's own errors); already-mapped errors pass. */
  mapError(error: unknown): Error;
  /** Named in the error of a download that ended early. */
  uri: string;
  /**
   * A download that sends nothing for this long while the reader waits for bytes is taken as
   * dropped: some clients (the GCS library's) never report a connection cut mid-body.
   */
  stallMs: number;
}

export function resumableRead(first: Readable, options: ResumableReadOptions): Readable {
  const out = new PassThrough({ highWaterMark: MiB });
  let current: Readable | undefined = first;
  let offset = 0;
  let attempts = 0;
  let lastProgress = Date.now();
  const dropped = (what: string, code: string) => Object.assign(new Error(`The download of '${options.uri}' ${what} after ${offset} bytes.`), { code });

  const attach = (body: Readable) => {
    current = body;
    body.on("data", (chunk: Buffer) => {
      offset += chunk.length;
      lastProgress = Date.now();
    });
    body.once("end", () => {
      if (body !== current) return;
      if (options.size === undefined || offset >= options.size) {
        current = undefined;
        out.end();
        return;
      }
      resume(body, dropped(`ended early (${offset} of ${options.size} bytes)`, "ECONNRESET"));
    });
    body.once("error", (error) => resume(body, error));
    body.once("close", () => resume(body, dropped("was cut off", "ECONNRESET")));
    lastProgress = Date.now();
    body.pipe(out, { end: false });
  };

  const resume = (body: Readable, error: unknown) => {
    if (body !== current || out.destroyed) return;
    current = undefined;
    body.unpipe(out);
    body.destroy();
    if (!networkErrorCode(error) || ++attempts > options.retries) {
      out.destroy(options.mapError(error));
      return;
    }
    options.reopen(offset).then(
      (next) => (out.destroyed ? next.destroy() : attach(next)),
      (reopenError: unknown) => out.destroy(options.mapError(reopenError)),
    );
  };

  // Silence counts only while the reader waits for bytes: a full buffer pauses the download on purpose.
  out.on("drain", () => {
    lastProgress = Date.now();
  });
  const stallCheck = setInterval(
    () => {
      if (current && !out.writableNeedDrain && Date.now() - lastProgress > options.stallMs) {
        resume(current, dropped(`stalled (nothing for ${options.stallMs} ms)`, "ETIMEDOUT"));
      }
    },
    Math.max(10, Math.floor(options.stallMs / 4)),
  );
  stallCheck.unref();
  // A reader that stops early (destroys the stream) stops the download too.
  out.once("close", () => {
    clearInterval(stallCheck);
    current?.destroy();
  });
  attach(first);
  return out;
}
