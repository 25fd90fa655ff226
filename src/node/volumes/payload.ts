/**
 * The files of the API-backed volumes — configMap, secret, downwardAPI, projected — computed from
 * their sources: keys (or the listed items) become files with defaultMode or the item's mode; a
 * missing optional source gives an empty volume, a missing required one an error in kubelet's
 * words, which the pod shows until the object appears.
 */
import type { ConfigData, ConfigSource } from '../pods/config-source.ts';
import { podFieldValue, type FieldContext } from '../pods/fieldref.ts';
import { resourceFieldValue } from '../pods/resources.ts';
import type {
  DownwardAPIVolumeFile,
  KeyToPath,
  ProjectionSource,
  RPod,
  ResourceList,
  Volume,
} from '../pods/types.ts';
import type { DeepReadonly } from '../../api/object.ts';
import type { Payload } from './atomic-writer.ts';
import type { TokenSource } from './tokens.ts';

export const defaultFileMode = 0o644;

/** What payloads are computed from. */
export interface PayloadContext extends FieldContext {
  configs: ConfigSource;
  tokens: TokenSource;
  nodeAllocatable: ResourceList;
}

/** A volume cannot be set up yet. */
export class VolumeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VolumeError';
  }
}

function keysToPayload(
  out: Payload,
  obj: ConfigData | undefined,
  what: 'configmap' | 'secret',
  name: string,
  items: readonly DeepReadonly<KeyToPath>[] | undefined,
  optional: boolean,
  mode: number,
): void {
  if (!obj) {
    if (optional) return;
    throw new VolumeError(`${what} "${name}" not found`);
  }
  if (!items?.length) {
    for (const [k, v] of Object.entries(obj.data)) out.set(k, { data: v, mode });
    return;
  }
  for (const it of items) {
    const v = obj.data[it.key];
    if (v === undefined) {
      if (optional) continue;
      throw new VolumeError(
        `${what === 'configmap' ? 'configmap' : 'secret'} references non-existent ${what === 'configmap' ? 'config' : 'secret'} key: ${it.key}`,
      );
    }
    out.set(it.path, { data: v, mode: it.mode ?? mode });
  }
}

function downwardToPayload(
  out: Payload,
  pod: RPod,
  items: readonly DeepReadonly<DownwardAPIVolumeFile>[] | undefined,
  mode: number,
  ctx: PayloadContext,
): void {
  for (const it of items ?? []) {
    let value = '';
    if (it.fieldRef) value = podFieldValue(pod, it.fieldRef.fieldPath, ctx);
    else if (it.resourceFieldRef) {
      const r = it.resourceFieldRef;
      const c = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find(
        (x) => x.name === r.containerName,
      );
      value = resourceFieldValue(c, r.resource, r.divisor, ctx.nodeAllocatable);
    }
    out.set(it.path, { data: Buffer.from(value), mode: it.mode ?? mode });
  }
}

async function projectedToPayload(
  out: Payload,
  pod: RPod,
  sources: readonly DeepReadonly<ProjectionSource>[],
  mode: number,
  ctx: PayloadContext,
): Promise<void> {
  const ns = pod.metadata.namespace ?? '';
  for (const s of sources) {
    if (s.configMap) {
      const name = s.configMap.name ?? '';
      keysToPayload(
        out,
        await ctx.configs.configMap(ns, name),
        'configmap',
        name,
        s.configMap.items,
        !!s.configMap.optional,
        mode,
      );
    } else if (s.secret) {
      const name = s.secret.name ?? '';
      keysToPayload(
        out,
        await ctx.configs.secret(ns, name),
        'secret',
        name,
        s.secret.items,
        !!s.secret.optional,
        mode,
      );
    } else if (s.downwardAPI) downwardToPayload(out, pod, s.downwardAPI.items, mode, ctx);
    else if (s.serviceAccountToken) {
      const t = s.serviceAccountToken;
      const token = await ctx.tokens.token(pod, t.audience, t.expirationSeconds ?? 3600);
      // The token file is readable by its owner only unless the pod says otherwise (kubelet: 0600).
      out.set(t.path, { data: Buffer.from(token), mode: mode === defaultFileMode ? 0o600 : mode });
    }
  }
}

/** The files of an API-backed volume, or undefined for other volume types. */
export async function volumePayload(
  pod: RPod,
  v: DeepReadonly<Volume>,
  ctx: PayloadContext,
): Promise<Payload | undefined> {
  const ns = pod.metadata.namespace ?? '';
  const out: Payload = new Map();
  if (v.configMap) {
    const name = v.configMap.name ?? '';
    const obj = await ctx.configs.configMap(ns, name);
    keysToPayload(
      out,
      obj,
      'configmap',
      name,
      v.configMap.items,
      !!v.configMap.optional,
      v.configMap.defaultMode ?? defaultFileMode,
    );
  } else if (v.secret) {
    const name = v.secret.secretName ?? '';
    const obj = await ctx.configs.secret(ns, name);
    keysToPayload(
      out,
      obj,
      'secret',
      name,
      v.secret.items,
      !!v.secret.optional,
      v.secret.defaultMode ?? defaultFileMode,
    );
  } else if (v.downwardAPI) {
    downwardToPayload(out, pod, v.downwardAPI.items, v.downwardAPI.defaultMode ?? defaultFileMode, ctx);
  } else if (v.projected) {
    await projectedToPayload(
      out,
      pod,
      v.projected.sources ?? [],
      v.projected.defaultMode ?? defaultFileMode,
      ctx,
    );
  } else return undefined;
  return out;
}
