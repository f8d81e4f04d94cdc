/**
 * A reproducible tar writer (POSIX ustar, with PAX records for long names): entries sorted by path,
 * fixed mtime, uid/gid 0, normalised modes. The same files always give the same bytes, so an image
 * layer's digest only changes when its content does.
 */

export type TarEntry =
  | { path: string; type: "file"; data: Uint8Array; executable?: boolean }
  | { path: string; type: "dir" }
  | { path: string; type: "symlink"; target: string };

const BLOCK = 512;
/** 2000-01-01T00:00:00Z: not 0, which some tools show as "no date". */
export const LAYER_MTIME = 946684800;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

function writeString(buf: Buffer, offset: number, width: number, text: string): void {
  buf.write(text, offset, Math.min(width, Buffer.byteLength(text)), "utf8");
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
  return `${length}${body}`;
}

function header(name: string, typeflag: string, size: number, mode: number, linkname = ""): Buffer {
  const buf = Buffer.alloc(BLOCK);
  writeString(buf, 0, 100, name);
  writeString(buf, 100, 8, octal(mode, 8));
  writeString(buf, 108, 8, octal(0, 8));
  writeString(buf, 116, 8, octal(0, 8));
  writeString(buf, 124, 12, octal(size, 12));
  writeString(buf, 136, 12, octal(LAYER_MTIME, 12));
  buf.fill(" ", 148, 156);
  buf.write(typeflag, 156, 1, "latin1");
  writeString(buf, 157, 100, linkname);
  buf.write("ustar\0", 257, 6, "latin1");
  buf.write("00", 263, 2, "latin1");
  writeString(buf, 265, 32, "root");
  writeString(buf, 297, 32, "root");
  let sum = 0;
  for (const byte of buf) sum += byte;
  writeString(buf, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return buf;
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** The tar archive of `entries` (sorted here; a later duplicate path replaces an earlier one). */
export function createTar(entries: readonly TarEntry[]): Buffer {
  const byPath = new Map<string, TarEntry>();
  for (const entry of entries) byPath.set(entry.path.replace(/^\/+|\/+$/g, ""), entry);
  const chunks: Buffer[] = [];
  for (const path of [...byPath.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) {
    const entry = byPath.get(path)!;
    const name = entry.type === "dir" ? `${path}/` : path;
    const link = entry.type === "symlink" ? entry.target : "";
    const pax = [Buffer.byteLength(name) > 100 ? paxRecord("path", name) : "", Buffer.byteLength(link) > 100 ? paxRecord("linkpath", link) : ""].join("");
    if (pax !== "") {
      const data = Buffer.from(pax, "utf8");
      chunks.push(header(`PaxHeaders/${path.slice(0, 80)}`, "x", data.length, 0o644), data, padding(data.length));
    }
    const shortName = name.slice(0, 100);
    if (entry.type === "file") {
      const data = Buffer.from(entry.data);
      chunks.push(header(shortName, "0", data.length, entry.executable ? 0o755 : 0o644), data, padding(data.length));
    } else if (entry.type === "dir") {
      chunks.push(header(shortName, "5", 0, 0o755));
    } else {
      chunks.push(header(shortName, "2", 0, 0o777, link.slice(0, 100)));
    }
  }
  chunks.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(chunks);
}

/** Adds the parent directories of every entry (`app/`, `app/src/`), as image layers carry them. */
export function withParentDirs(entries: readonly TarEntry[]): TarEntry[] {
  const dirs = new Set<string>();
  for (const entry of entries) {
    const parts = entry.path.replace(/^\/+/, "").split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  const explicit = new Set(entries.map((e) => e.path.replace(/^\/+|\/+$/g, "")));
  return [...[...dirs].filter((d) => !explicit.has(d)).map((path): TarEntry => ({ path, type: "dir" })), ...entries];
}
