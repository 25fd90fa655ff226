/**
 * A minimal stand-in for the `reflect-metadata` polyfill. @peculiar/x509 2.x registers its
 * algorithms through tsyringe, which refuses to load unless `Reflect.getMetadata` exists. The
 * library only stores and reads a few metadata entries on its own classes, so a WeakMap-backed
 * implementation of the three functions tsyringe calls is enough. It installs nothing when a real
 * polyfill is already present.
 */

type MetadataKey = unknown;
type Target = object;

const table = new WeakMap<Target, Map<MetadataKey, unknown>>();

function defineMetadata(key: MetadataKey, value: unknown, target: Target): void {
  let entries = table.get(target);
  if (!entries) {
    entries = new Map();
    table.set(target, entries);
  }
  entries.set(key, value);
}

function getOwnMetadata(key: MetadataKey, target: Target): unknown {
  return table.get(target)?.get(key);
}

/** Like getOwnMetadata, but walks the prototype chain as the real polyfill does. */
function getMetadata(key: MetadataKey, target: Target): unknown {
  for (let o: Target | null = target; o !== null; o = Object.getPrototypeOf(o) as Target | null) {
    const entries = table.get(o);
    if (entries?.has(key)) return entries.get(key);
  }
  return undefined;
}

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect.getMetadata !== 'function') {
  reflect.defineMetadata = defineMetadata;
  reflect.getOwnMetadata = getOwnMetadata;
  reflect.getMetadata = getMetadata;
}
