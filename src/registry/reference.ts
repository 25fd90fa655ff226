/**
 * Names, tags and digests as the OCI Distribution Spec defines them. Repository names are one or more
 * lowercase path components (`ns/app`, `a/b/c`); a reference in a manifest URL is either a tag or a
 * digest. Only sha256 and sha512 digests are accepted for content this registry stores: other
 * algorithms are syntactically valid but unsupported, and answered DIGEST_INVALID by the handlers.
 */

const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const NAME_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const DIGEST_RE = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;

/** Longest repository name accepted; clients cap host + name at 255 characters. */
export const MAX_NAME_LENGTH = 255;

/** The digest algorithms whose content this registry can verify, with their hex lengths. */
export const supportedAlgorithms = { sha256: 64, sha512: 128 } as const;
export type DigestAlgorithm = keyof typeof supportedAlgorithms;

/** A parsed, supported digest: `sha256:<64 lowercase hex>` or `sha512:<128 lowercase hex>`. */
export interface Digest {
  algorithm: DigestAlgorithm;
  hex: string;
  /** The canonical string form, `algorithm:hex`. */
  value: string;
}

/** A manifest reference: a tag or a digest. */
export type Reference = { kind: 'tag'; tag: string } | { kind: 'digest'; digest: Digest };

/** Whether `name` is a valid repository name (spec regex, at most 255 characters). */
export function isValidName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_NAME_LENGTH && NAME_RE.test(name);
}

/** Whether `tag` is a valid tag (spec regex: up to 128 characters, no leading `.` or `-`). */
export function isValidTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

/** Whether `s` has the spec's digest grammar, whatever the algorithm. */
export function isDigestSyntax(s: string): boolean {
  return DIGEST_RE.test(s);
}

/** The digest in `s`, or undefined when it is malformed or its algorithm is not supported. */
export function parseDigest(s: string): Digest | undefined {
  const m = DIGEST_RE.exec(s);
  if (!m) return undefined;
  const algorithm = m[1] as string;
  const hex = m[2] as string;
  if (!Object.hasOwn(supportedAlgorithms, algorithm)) return undefined;
  const alg = algorithm as DigestAlgorithm;
  if (hex.length !== supportedAlgorithms[alg] || !/^[0-9a-f]+$/.test(hex)) return undefined;
  return { algorithm: alg, hex, value: s };
}

/** A tag or a digest, or undefined when `ref` is neither. */
export function parseReference(ref: string): Reference | undefined {
  if (ref.includes(':')) {
    const digest = parseDigest(ref);
    return digest ? { kind: 'digest', digest } : undefined;
  }
  return isValidTag(ref) ? { kind: 'tag', tag: ref } : undefined;
}

/** The namespace of a repository: its first path component (`team` for `team/app/web`). */
export function namespaceOf(repo: string): string {
  const i = repo.indexOf('/');
  return i < 0 ? repo : repo.slice(0, i);
}

/** Whether `ns` is a valid namespace name: one name component, at most 63 characters. */
export function isValidNamespace(ns: string): boolean {
  return ns.length <= 63 && !ns.includes('/') && isValidName(ns);
}

/**
 * The half-open key range [`ns/`, `ns0`) holding exactly the repositories of namespace `ns` in byte
 * order (`0` follows `/`), so SQL range scans use the primary key and no LIKE wildcard can misfire.
 */
export function namespaceRange(ns: string): [string, string] {
  return [`${ns}/`, `${ns}0`];
}
