/**
 * Previews of artifacts: text, a JSON tree, a small table, an image (PNG, JPEG, GIF, WebP bytes a step
 * returned), or just a size. Nothing bigger than `MAX_PREVIEW_BYTES` is read, so a large artifact
 * costs a listing, not a download.
 */
import type { ArtifactView, BaseArtifactStore, PipelineRepository } from "@zen/core";

export const MAX_PREVIEW_BYTES = 8 * 1024 * 1024;
const PREVIEW_CHARS = 4000;
const TREE_ENTRIES = 100;
const TREE_DEPTH = 8;

const IMAGE_TYPES: [string, (b: Uint8Array) => boolean][] = [
  ["image/png", (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47],
  ["image/jpeg", (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ["image/gif", (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38],
  ["image/webp", (b) => String.fromCharCode(...b.subarray(0, 4)) === "RIFF" && String.fromCharCode(...b.subarray(8, 12)) === "WEBP"],
];

/** The image type of these bytes (by their signature, never by a name), if they are one the dashboard shows. */
export function imageType(bytes: Uint8Array): string | undefined {
  return IMAGE_TYPES.find(([, test]) => bytes.byteLength >= 12 && test(bytes))?.[0];
}

/** Total size of the files under the artifact's URI (a file or a directory). */
async function sizeOf(store: BaseArtifactStore, uri: string): Promise<number> {
  const stat = await store.stat(uri);
  if (!stat.isDirectory) return stat.size;
  let total = 0;
  for (const name of await store.list(uri)) total += await sizeOf(store, store.join(uri, name));
  return total;
}

export class PreviewError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The artifact's value, unless it is too large to read for a preview. */
async function readSmall(repository: PipelineRepository, artifact: ArtifactView): Promise<{ value: unknown } | { size: number }> {
  const store = repository.artifactStore;
  if (store?.supportedSchemes.some((scheme) => artifact.uri.startsWith(scheme))) {
    const size = await sizeOf(store, artifact.uri).catch(() => undefined);
    if (size !== undefined && size > MAX_PREVIEW_BYTES) return { size };
  }
  return { value: await artifact.read() };
}

export async function artifactPreview(repository: PipelineRepository, id: string) {
  const artifact = await repository.getArtifact(id);
  const meta = artifact.toJSON();
  let read: { value: unknown } | { size: number };
  try {
    read = await readSmall(repository, artifact);
  } catch (error) {
    return { artifact: meta, kind: "unavailable", text: (error as Error).message };
  }
  if ("size" in read) return { artifact: meta, kind: "large", text: `${read.size} bytes: too large to preview` };
  const value = read.value;
  if (typeof value === "string") return { artifact: meta, kind: "text", text: clip(value) };
  if (value instanceof Uint8Array) {
    const mediaType = imageType(value);
    if (mediaType) return { artifact: meta, kind: "image", mediaType, size: value.byteLength, src: `/api/artifacts/${encodeURIComponent(id)}/content` };
    return { artifact: meta, kind: "bytes", text: `${value.byteLength} bytes` };
  }
  if (isTable(value)) {
    const columns = [...new Set(value.slice(0, 50).flatMap((row) => Object.keys(row)))].slice(0, 20);
    return { artifact: meta, kind: "table", columns, rows: value.slice(0, 50).map((row) => columns.map((c) => cell(row[c]))), totalRows: value.length };
  }
  return { artifact: meta, kind: "json", tree: tree(value, 0) };
}

/** The bytes of an image artifact, for an <img>: only images, only up to the preview size. */
export async function artifactImage(repository: PipelineRepository, id: string): Promise<{ mediaType: string; body: Uint8Array }> {
  const artifact = await repository.getArtifact(id);
  const read = await readSmall(repository, artifact);
  if ("size" in read) throw new PreviewError(413, `Artifact ${id} is ${read.size} bytes, more than the dashboard serves (${MAX_PREVIEW_BYTES}).`);
  const mediaType = read.value instanceof Uint8Array ? imageType(read.value) : undefined;
  if (!mediaType) throw new PreviewError(404, `Artifact ${id} is not an image.`);
  return { mediaType, body: read.value as Uint8Array };
}

/**
 * A JSON value cut to a size a browser shows at once: containers keep their first entries (and say
 * how many there are), long strings are clipped. Shape: `{ t: type, v: value | children, n: size }`.
 */
export type TreeNode =
  | { t: "null" | "boolean" | "number" | "string"; v: unknown }
  | { t: "array" | "object"; n: number; v: [string, TreeNode][] }
  | { t: "more" };

function tree(value: unknown, depth: number): TreeNode {
  if (value === null || value === undefined) return { t: "null", v: null };
  if (typeof value === "bigint") return { t: "number", v: value.toString() };
  if (typeof value === "number" || typeof value === "boolean") return { t: typeof value as "number" | "boolean", v: value };
  if (typeof value === "string") return { t: "string", v: value.length > 500 ? `${value.slice(0, 500)}…` : value };
  if (typeof value !== "object") return { t: "string", v: String(value) };
  if (depth >= TREE_DEPTH) return { t: "more" };
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  return {
    t: Array.isArray(value) ? "array" : "object",
    n: entries.length,
    v: entries.slice(0, TREE_ENTRIES).map(([k, v]) => [k, tree(v, depth + 1)]),
  };
}

function isTable(value: unknown): value is Record<string, unknown>[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((row) => row !== null && typeof row === "object" && !Array.isArray(row) && Object.values(row).every((v) => v === null || typeof v !== "object"))
  );
}

function cell(v: unknown): string {
  return v === undefined ? "" : String(v);
}

function clip(text: string): string {
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}\n… (${text.length - PREVIEW_CHARS} more characters)` : text;
}
