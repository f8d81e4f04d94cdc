/**
 * Reading a large object as one stream that survives dropped connections: when the download fails
 * with a network error (or ends short of the object's size), the rest is asked for again from the
 * offset reached, a few times, and the reader sees one uninterrupted stream. Each chunk is pushed
 * straight into the reader's stream (no async generator, no transform in between), so a fast local
 * server is read about as fast as the download itself.
 */
import { Readable } from "node:stream";
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
  let current: Readable | undefined;
  let offset = 0;
  let attempts = 0;
  let lastProgress = Date.now();
  const dropped = (what: string, code: string) => Object.assign(new Error(`The download of '${options.uri}' ${what} after ${offset} bytes.`), { code });

  const out = new Readable({
    highWaterMark: MiB,
    read() {
      lastProgress = Date.now();
      current?.resume();
    },
    destroy(error, done) {
      clearInterval(stallCheck);
      // A reader that stops early stops the download too.
      current?.destroy();
      current = undefined;
      done(error);
    },
  });

  const attach = (body: Readable) => {
    current = body;
    lastProgress = Date.now();
    body.on("data", (chunk: Buffer) => {
      if (body !== current) return;
      offset += chunk.length;
      lastProgress = Date.now();
      if (!out.push(chunk)) body.pause();
    });
    body.once("end", () => {
      if (body !== current) return;
      if (options.size === undefined || offset >= options.size) {
        current = undefined;
        clearInterval(stallCheck);
        out.push(null);
        return;
      }
      resume(body, dropped(`ended early (${offset} of ${options.size} bytes)`, "ECONNRESET"));
    });
    body.once("error", (error) => resume(body, error));
    body.once("close", () => resume(body, dropped("was cut off", "ECONNRESET")));
  };

  const resume = (body: Readable, error: unknown) => {
    if (body !== current || out.destroyed) return;
    current = undefined;
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

  // Silence counts only while the reader waits for bytes: a paused download (the reader's buffer is full) is not stalled.
  const stallCheck = setInterval(
    () => {
      if (current && !current.isPaused() && Date.now() - lastProgress > options.stallMs) {
        resume(current, dropped(`stalled (nothing for ${options.stallMs} ms)`, "ETIMEDOUT"));
      }
    },
    Math.max(10, Math.floor(options.stallMs / 4)),
  );
  stallCheck.unref();
  attach(first);
  return out;
}
