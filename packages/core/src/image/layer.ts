/** An image layer: a reproducible gzipped tar, with the two digests an image needs. */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { createTar, withParentDirs, type TarEntry } from "./tar.ts";

export const OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

export interface Layer {
  /** What the layer holds, e.g. "dependencies", "code" (history and image plans show it). */
  name: string;
  /** The gzipped tar, as pushed. */
  blob: Buffer;
  /** sha256 of `blob`: the layer's name in the registry. */
  digest: string;
  /** sha256 of the uncompressed tar: the config's `rootfs.diff_ids`. */
  diffId: string;
  mediaType: string;
}

export function sha256(data: Uint8Array): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

export function createLayer(name: string, entries: readonly TarEntry[]): Layer {
  const tar = createTar(withParentDirs(entries));
  // A fixed level; zlib writes no file name and a zero mtime, so the bytes depend on the tar only.
  const blob = gzipSync(tar, { level: 6 });
  return { name, blob, digest: sha256(blob), diffId: sha256(tar), mediaType: OCI_LAYER_GZIP };
}
