/**
 * Where the agent reads the ConfigMaps and Secrets its pods reference. A node may only `get` the
 * ones its pods name (the node authorizer refuses list/watch), so reads are by name, cached for a
 * short time so one sync of a pod with many references asks once per object.
 */
import type { KubeObject } from '../../api/object.ts';
import type { Client } from '../../client/client.ts';
import type { Clock } from '../../client/clock.ts';
import { isNotFound } from '../../client/status.ts';

/** The data of a ConfigMap or Secret, values decoded to text/bytes. */
export interface ConfigData {
  /** Values as bytes (Secret data decoded from base64; ConfigMap data and binaryData). */
  data: Record<string, Buffer>;
  /** Secret type, '' for a ConfigMap. */
  type: string;
  resourceVersion: string;
}

/** ConfigMaps and Secrets by namespace and name; undefined when the object does not exist. */
export interface ConfigSource {
  configMap(namespace: string, name: string): Promise<ConfigData | undefined>;
  secret(namespace: string, name: string): Promise<ConfigData | undefined>;
}

interface CmOrSecret extends KubeObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  stringData?: Record<string, string>;
  type?: string;
}

/** A ConfigSource over the API with a TTL cache (default 2 s). */
export function apiConfigSource(client: Client, clock: Clock, ttlMs = 2_000): ConfigSource {
  const cache = new Map<string, { at: number; value: Promise<ConfigData | undefined> }>();
  const read = (
    resource: 'configmaps' | 'secrets',
    ns: string,
    name: string,
  ): Promise<ConfigData | undefined> => {
    const key = `${resource}/${ns}/${name}`;
    const hit = cache.get(key);
    if (hit && clock.now() - hit.at < ttlMs) return hit.value;
    const value = client
      .resource<CmOrSecret>('', 'v1', resource)
      .get(ns, name)
      .then((o) => toConfigData(o, resource === 'secrets'))
      .catch((err: unknown) => {
        cache.delete(key);
        if (isNotFound(err)) return undefined;
        throw err;
      });
    cache.set(key, { at: clock.now(), value });
    if (cache.size > 4096) cache.delete(cache.keys().next().value!);
    return value;
  };
  return {
    configMap: (ns, name) => read('configmaps', ns, name),
    secret: (ns, name) => read('secrets', ns, name),
  };
}

function toConfigData(o: CmOrSecret, secret: boolean): ConfigData {
  const data: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(o.data ?? {}))
    data[k] = secret ? Buffer.from(v, 'base64') : Buffer.from(v);
  for (const [k, v] of Object.entries(o.binaryData ?? {})) data[k] = Buffer.from(v, 'base64');
  return {
    data,
    type: secret ? (o.type ?? 'Opaque') : '',
    resourceVersion: o.metadata.resourceVersion ?? '',
  };
}

/** A ConfigSource over fixed objects, for tests. */
export function staticConfigSource(objects: {
  configMaps?: Record<string, Record<string, string>>;
  secrets?: Record<string, Record<string, string>>;
}): ConfigSource {
  const wrap = (m: Record<string, string> | undefined): ConfigData | undefined =>
    m && {
      data: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Buffer.from(v)])),
      type: '',
      resourceVersion: '1',
    };
  return {
    configMap: async (ns, name) => wrap(objects.configMaps?.[`${ns}/${name}`]),
    secret: async (ns, name) => wrap(objects.secrets?.[`${ns}/${name}`]),
  };
}
