/**
 * What the API knows about one kind at one version: names (for URLs, discovery and kubectl's
 * short names), scope, schema, strategy hooks, table columns and field selectors. The API server is
 * generic over these records; everything kind-specific that needs no store lives here.
 */
import type { FieldError } from '../errors.ts';
import type { KubeObject } from '../object.ts';
import type { Definitions } from '../schema/types.ts';

/**
 * Kind-specific rules, run by the generic store in this fixed order:
 *   create: defaults → prepareForCreate → validate → validateCreate
 *   update: defaults → prepareForUpdate → validate → validateUpdate
 * The generic store itself already handles what every kind shares: metadata (uid, timestamps,
 * resourceVersion, generation bumps when anything outside metadata and status changes), ObjectMeta
 * validation (name, labels, annotations, finalizers, ownerReferences), clearing status on create for
 * kinds with a status subresource, and keeping status/spec apart between the main and /status
 * endpoints. Hooks never throw for bad input: they return field errors.
 */
export interface Strategy {
  /** Fills the defaults users see (applied to every write body after decoding). Mutates. */
  defaults?(obj: KubeObject): void;
  /** Normalizes a new object before validation (e.g. clears fields the server owns). Mutates. */
  prepareForCreate?(obj: KubeObject): void;
  /** Semantic checks on a whole object. Never mutates. */
  validate?(obj: KubeObject): FieldError[];
  /** Checks only a new object gets (fields that may be set later but not at creation). */
  validateCreate?(obj: KubeObject): FieldError[];
  /** Normalizes an update against the stored object (copy server-owned fields in). Mutates `obj`. */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  /** Checks what may not change (immutable fields). Never mutates. */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** Rules for writes through /status: usually only status may change. */
  validateStatusUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
}

/** One column of a kind's `kubectl get` table (meta.k8s.io/v1 TableColumnDefinition + a getter). */
export interface Column {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  /** `name` for the NAME column; otherwise usually empty. */
  format?: string;
  description: string;
  /** 0 shows always; 1 shows only with `-o wide`. */
  priority: 0 | 1;
  /** The cell for one object; `now` is epoch milliseconds for ages. */
  cell(obj: KubeObject, now: number): string | number | boolean | null;
}

/** A subresource served under a kind: /status, /scale, /log, /exec, /binding, /eviction, … */
export interface Subresource {
  name: string;
  /** The kind the subresource answers with (group/version/kind), for discovery. */
  responseKind: { group: string; version: string; kind: string };
  verbs: string[];
}

/**
 * How the /scale subresource reads and writes replicas (JSON paths without the leading dot):
 * e.g. specReplicasPath `spec.replicas`, statusReplicasPath `status.replicas`, labelSelectorPath
 * `spec.selector` — a LabelSelector, a plain label map or a selector string; Scale shows the string form.
 */
export interface ScaleRule {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface KindDef {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** Lower-case plural used in URLs: `deployments`. */
  resource: string;
  /** Lower-case singular: `deployment`. */
  singular: string;
  namespaced: boolean;
  /**
   * The rule for metadata.name when it is not the default DNS-1123 subdomain (namespaces: DNS-1123
   * label; services: DNS-1035 label; RBAC objects: path segment). Returns problems; empty = valid.
   */
  nameRule?: (name: string) => string[];
  shortNames?: string[];
  /** `["all"]` for the kinds `kubectl get all` lists. */
  categories?: string[];
  /** Verbs in discovery; defaults to the full CRUD set with watch. */
  verbs?: string[];
  /** Name of the top-level definition in `definitions` (e.g. `io.k8s.api.apps.v1.Deployment`). */
  schema: string;
  /** Kinds with `hasStatus` get /status and the status strategy; spec and status stay apart. */
  hasStatus?: boolean;
  /** Kinds whose status may be set on create (nodes); others start with their status cleared. */
  keepStatusOnCreate?: boolean;
  /**
   * Kinds that may be created by PUT to a name that does not exist yet (leases, endpoints, events,
   * nodes), as Kubernetes' AllowCreateOnUpdate does.
   */
  allowCreateOnUpdate?: boolean;
  scale?: ScaleRule;
  /** Further subresources beyond status and scale (log, exec, binding, eviction, token, …). */
  subresources?: Subresource[];
  strategy: Strategy;
  /** Table columns after NAME (NAME is added by the server). Without columns: NAME and AGE. */
  columns?: Column[];
  /**
   * Extra field selectors beyond metadata.name and metadata.namespace: selector name → getter.
   * Values are compared as strings; a missing value compares as "".
   */
  fieldSelectors?: Record<string, (obj: KubeObject) => string | undefined>;
  /**
   * When another kind's storage holds these objects (events.k8s.io/v1 Event over core/v1 Event;
   * autoscaling/v1 over autoscaling/v2): where they are stored and how to convert.
   */
  storedAs?: { group: string; resource: string };
  toStorage?(obj: KubeObject): KubeObject;
  fromStorage?(obj: KubeObject): KubeObject;
  /** Kinds served only as virtual POST endpoints (reviews): nothing is stored. */
  virtual?: boolean;
}

/** What a group folder exports: its kinds and the schema definitions they reference. */
export interface GroupModule {
  kinds: KindDef[];
  definitions: Definitions;
}
