/**
 * Builds an image without a container engine, the way ko and jib do: the base image's manifest and
 * config are read from its registry, the new layers are appended, and blobs then the manifest are
 * pushed over the distribution API. Every part is content-addressed: a blob the target repository
 * already holds is not pushed again, so an unchanged build pushes nothing and a one-file change pushes
 * the one layer holding that file.
 */
import { ZenError } from "../errors.ts";
import { sha256, type Layer } from "./layer.ts";
import { formatImageReference, parseImageReference, type ImageReference } from "./image-reference.ts";
import { RegistryClient, type RegistryClientOptions } from "./registry-client.ts";

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
const INDEX_TYPES = new Set(["application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json"]);
/** Fixed, so that the config (and the image digest) only change with the content. */
const CREATED = "2000-01-01T00:00:00Z";

export interface ImageSpec {
  /** The base image, e.g. `docker.io/library/node@sha256:…`. */
  base: string;
  /** Where the image goes: `host[:port]/repository[:tag]`. */
  target: string;
  /** Appended in this order (put what changes least first). */
  layers: readonly Layer[];
  entrypoint: readonly string[];
  cmd?: readonly string[];
  /** Set over the base image's environment. */
  env?: Readonly<Record<string, string>>;
  workdir?: string;
  /** Platform to pick from a multi-platform base; default linux/amd64. */
  platform?: { os: string; architecture: string };
}

export interface LayerPlan {
  name: string;
  digest: string;
  size: number;
  /** False when the target repository already holds it (nothing to push). */
  push: boolean;
}

export interface ImagePlan {
  target: ImageReference;
  /** `host/repository@sha256:…`: what a pod pulls. */
  reference: string;
  manifestDigest: string;
  baseLayers: LayerPlan[];
  layers: LayerPlan[];
  /** True when the target already has this exact manifest (nothing at all to push). */
  upToDate: boolean;
}

export interface PushResult extends ImagePlan {
  /** Names of the layers pushed (base layers as `base:<digest>`). */
  pushed: string[];
  pushedBytes: number;
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string };
}

interface BaseImage {
  ref: ImageReference;
  layers: Descriptor[];
  config: Record<string, any>;
}

export interface ImageBuildOptions {
  /** Per registry host: credentials and transport. */
  client?: (registry: string) => RegistryClientOptions;
}

async function readBase(spec: ImageSpec, client: (registry: string) => RegistryClient): Promise<BaseImage> {
  const ref = parseImageReference(spec.base);
  const registry = client(ref.registry);
  let manifest = await registry.getManifest(ref.repository, ref.digest ?? ref.tag ?? "latest");
  let body = JSON.parse(manifest.bytes.toString("utf8")) as { manifests?: Descriptor[]; layers?: Descriptor[]; config?: Descriptor; mediaType?: string };
  if (INDEX_TYPES.has(manifest.mediaType) || body.manifests) {
    const want = spec.platform ?? { os: "linux", architecture: "amd64" };
    const pick = body.manifests?.find((m) => m.platform?.os === want.os && m.platform?.architecture === want.architecture);
    if (!pick) {
      throw new ZenError(`The base image ${spec.base} has no ${want.os}/${want.architecture} variant.`, {
        hint: "Choose a base image built for the cluster's platform.",
      });
    }
    manifest = await registry.getManifest(ref.repository, pick.digest);
    body = JSON.parse(manifest.bytes.toString("utf8")) as typeof body;
  }
  if (!body.config || !body.layers) throw new ZenError(`The base image ${spec.base} has no image manifest.`, { code: "ZEN_REGISTRY" });
  const config = JSON.parse((await registry.getBlob(ref.repository, body.config.digest)).toString("utf8")) as Record<string, any>;
  return { ref, layers: body.layers, config };
}

function imageConfig(spec: ImageSpec, base: BaseImage): Buffer {
  const baseConfig = (base.config.config ?? {}) as Record<string, any>;
  const env = new Map<string, string>();
  for (const line of (baseConfig.Env ?? []) as string[]) {
    const eq = line.indexOf("=");
    env.set(eq < 0 ? line : line.slice(0, eq), eq < 0 ? "" : line.slice(eq + 1));
  }
  for (const [key, value] of Object.entries(spec.env ?? {})) env.set(key, value);
  const config = {
    ...base.config,
    created: CREATED,
    architecture: base.config.architecture ?? spec.platform?.architecture ?? "amd64",
    os: base.config.os ?? spec.platform?.os ?? "linux",
    config: {
      ...baseConfig,
      Env: [...env].map(([k, v]) => `${k}=${v}`),
      Entrypoint: [...spec.entrypoint],
      Cmd: spec.cmd ? [...spec.cmd] : null,
      ...(spec.workdir ? { WorkingDir: spec.workdir } : {}),
    },
    rootfs: { type: "layers", diff_ids: [...((base.config.rootfs?.diff_ids ?? []) as string[]), ...spec.layers.map((l) => l.diffId)] },
    history: [...((base.config.history ?? []) as unknown[]), ...spec.layers.map((l) => ({ created: CREATED, created_by: `zen: ${l.name}` }))],
  };
  return Buffer.from(JSON.stringify(config));
}

/** What building `spec` would push (reads the base and asks the target what it holds; pushes nothing). */
export async function planImage(spec: ImageSpec, options: ImageBuildOptions = {}): Promise<ImagePlan & { manifest: Buffer; config: Buffer; base: BaseImage }> {
  const clients = new Map<string, RegistryClient>();
  const client = (registry: string) => {
    let c = clients.get(registry);
    if (!c) clients.set(registry, (c = new RegistryClient(registry, options.client?.(registry) ?? {})));
    return c;
  };
  const target = parseImageReference(spec.target);
  const base = await readBase(spec, client);
  const config = imageConfig(spec, base);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: sha256(config), size: config.length },
      layers: [
        ...base.layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
        ...spec.layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.blob.length })),
      ],
    }),
  );
  const manifestDigest = sha256(manifest);
  const registry = client(target.registry);
  const upToDate = await registry.hasManifest(target.repository, manifestDigest);
  const has = (digest: string) => (upToDate ? Promise.resolve(true) : registry.hasBlob(target.repository, digest));
  const baseLayers = await Promise.all(
    base.layers.map(async (l) => ({ name: `base:${l.digest}`, digest: l.digest, size: l.size, push: !(await has(l.digest)) })),
  );
  const layers = await Promise.all(spec.layers.map(async (l) => ({ name: l.name, digest: l.digest, size: l.blob.length, push: !(await has(l.digest)) })));
  return {
    target,
    reference: formatImageReference({ registry: target.registry, repository: target.repository, digest: manifestDigest }),
    manifestDigest,
    baseLayers,
    layers,
    upToDate,
    manifest,
    config,
    base,
  };
}

/** Builds and pushes: missing blobs (base layers mounted or copied), the config, then the manifest. */
export async function pushImage(spec: ImageSpec, options: ImageBuildOptions = {}): Promise<PushResult> {
  const { manifest, config, base, ...plan } = await planImage(spec, options);
  const pushed: string[] = [];
  let pushedBytes = 0;
  const result = (): PushResult => ({ ...plan, pushed, pushedBytes });
  const target = new RegistryClient(plan.target.registry, options.client?.(plan.target.registry) ?? {});
  if (plan.upToDate) {
    // Nothing to push; a new tag for the same image is one small manifest write.
    if (plan.target.tag) await target.putManifest(plan.target.repository, plan.target.tag, manifest, OCI_MANIFEST);
    return result();
  }
  const source = base.ref.registry === plan.target.registry ? target : new RegistryClient(base.ref.registry, options.client?.(base.ref.registry) ?? {});
  const repo = plan.target.repository;
  for (const layer of plan.baseLayers.filter((l) => l.push)) {
    if (source === target && (await target.mountBlob(repo, layer.digest, base.ref.repository))) continue;
    const data = await source.getBlob(base.ref.repository, layer.digest);
    await target.pushBlob(repo, layer.digest, data);
    pushed.push(layer.name);
    pushedBytes += data.length;
  }
  const blobs = new Map(spec.layers.map((l) => [l.digest, l.blob]));
  for (const layer of plan.layers.filter((l) => l.push)) {
    await target.pushBlob(repo, layer.digest, blobs.get(layer.digest)!);
    pushed.push(layer.name);
    pushedBytes += layer.size;
  }
  const configDigest = sha256(config);
  if (!(await target.hasBlob(repo, configDigest))) await target.pushBlob(repo, configDigest, config);
  await target.putManifest(repo, plan.manifestDigest, manifest, OCI_MANIFEST);
  if (plan.target.tag) await target.putManifest(repo, plan.target.tag, manifest, OCI_MANIFEST);
  return result();
}
