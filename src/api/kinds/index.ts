/**
 * Every built-in API group Berth serves, assembled into one KindRegistry. Order here is the order
 * discovery lists the groups in (core first, as Kubernetes does).
 */
import { definitions as metaDefinitions } from '../schema/defs/meta.ts';
import { KindRegistry } from './registry.ts';
import type { GroupModule } from './types.ts';
import { module as core } from './core/index.ts';
import { module as apps } from './apps/index.ts';
import { module as batch } from './batch/index.ts';
import { module as autoscaling } from './autoscaling/index.ts';
import { module as policy } from './policy/index.ts';
import { module as networking } from './networking/index.ts';
import { module as storage } from './storage/index.ts';
import { module as discovery } from './discovery/index.ts';
import { module as coordination } from './coordination/index.ts';
import { module as events } from './events/index.ts';
import { module as rbac } from './rbac/index.ts';
import { module as authorization } from './authorization/index.ts';
import { module as authentication } from './authentication/index.ts';
import { module as scheduling } from './scheduling/index.ts';
import { module as apiextensions } from './apiextensions/index.ts';
import { module as certificates } from './certificates/index.ts';

export const builtinModules: GroupModule[] = [
  { kinds: [], definitions: metaDefinitions },
  core,
  apps,
  events,
  authentication,
  authorization,
  autoscaling,
  certificates,
  batch,
  networking,
  policy,
  rbac,
  storage,
  apiextensions,
  scheduling,
  coordination,
  discovery,
];

/** A fresh registry of the built-in kinds. */
export function builtinRegistry(): KindRegistry {
  return new KindRegistry(builtinModules);
}
