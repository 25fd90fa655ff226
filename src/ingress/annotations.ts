/**
 * The ingress-nginx annotations Berth understands, parsed and checked per Ingress. A value that
 * does not fit its pattern is an error for the whole Ingress (reported as an event, the Ingress
 * left out) rather than being passed to nginx, where it could break or extend the configuration.
 */
import { isCidr, isIdentifier, isPrintable, isSize } from './nginx-syntax.ts';

/** The annotation prefix ingress-nginx uses, kept so existing manifests work unchanged. */
export const ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io/';

/** Basic authentication settings of one Ingress. */
export interface BasicAuth {
  secretNamespace: string;
  secretName: string;
  /** auth-file: the Secret's `auth` key holds htpasswd lines; auth-map: each key is a user, its value the hash. */
  secretType: 'auth-file' | 'auth-map';
  realm: string;
}

/** What the annotations of one Ingress ask for. */
export interface IngressAnnotations {
  rewriteTarget?: string;
  useRegex: boolean;
  sslRedirect: boolean;
  forceSslRedirect: boolean;
  proxyBodySize?: string;
  /** Seconds. */
  proxyConnectTimeout?: number;
  proxyReadTimeout?: number;
  proxySendTimeout?: number;
  whitelistSourceRange?: string[];
  basicAuth?: BasicAuth;
}

/** True when a rewrite target refers to regex capture groups ($1, $2...). */
export function hasCaptures(target: string | undefined): boolean {
  return target !== undefined && /\$\d/.test(target);
}

/** The outcome: the settings, or every problem found (all of them, so one event says it all). */
export type ParsedAnnotations = { ok: true; value: IngressAnnotations } | { ok: false; errors: string[] };

/**
 * Parses the annotations of an Ingress in `namespace`. Unknown nginx.ingress.kubernetes.io keys are
 * ignored, as ingress-nginx ignores annotations it does not know.
 */
export function parseAnnotations(
  namespace: string,
  annotations: Readonly<Record<string, string>> | undefined,
): ParsedAnnotations {
  const a = annotations ?? {};
  const get = (k: string): string | undefined => a[ANNOTATION_PREFIX + k];
  const errors: string[] = [];
  const bad = (k: string, why: string): void => {
    errors.push(`annotation ${ANNOTATION_PREFIX}${k}: ${why} (got ${JSON.stringify(get(k))})`);
  };
  const bool = (k: string, dflt: boolean): boolean => {
    const v = get(k);
    if (v === undefined) return dflt;
    if (v === 'true' || v === 'false') return v === 'true';
    bad(k, 'must be "true" or "false"');
    return dflt;
  };
  const seconds = (k: string): number | undefined => {
    const v = get(k);
    if (v === undefined) return undefined;
    if (/^\d{1,6}$/.test(v) && Number(v) > 0) return Number(v);
    bad(k, 'must be a whole number of seconds');
    return undefined;
  };

  const value: IngressAnnotations = {
    useRegex: bool('use-regex', false),
    sslRedirect: bool('ssl-redirect', true),
    forceSslRedirect: bool('force-ssl-redirect', false),
    proxyConnectTimeout: seconds('proxy-connect-timeout'),
    proxyReadTimeout: seconds('proxy-read-timeout'),
    proxySendTimeout: seconds('proxy-send-timeout'),
  };

  const target = get('rewrite-target');
  if (target !== undefined) {
    // A path with $N capture references only: no other variables, nothing nginx would read as syntax.
    if (/^\/[A-Za-z0-9\-._~!&'()*+,;=:@%/]*(\$\d[A-Za-z0-9\-._~!&'()*+,;=:@%/]*)*$/.test(target))
      value.rewriteTarget = target;
    else bad('rewrite-target', 'must be an absolute path, optionally with $1..$9 capture references');
  }

  const size = get('proxy-body-size');
  if (size !== undefined) {
    if (isSize(size)) value.proxyBodySize = size;
    else bad('proxy-body-size', 'must be a size such as 8m, 512k or 0');
  }

  const ranges = get('whitelist-source-range');
  if (ranges !== undefined) {
    const list = ranges
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (list.length > 0 && list.every(isCidr)) value.whitelistSourceRange = list;
    else bad('whitelist-source-range', 'must be a comma-separated list of IP addresses or CIDRs');
  }

  const authType = get('auth-type');
  if (authType !== undefined) {
    if (authType !== 'basic') bad('auth-type', 'only "basic" is supported');
    const secret = get('auth-secret') ?? '';
    const parts = secret.split('/');
    const [secretNamespace, secretName] = parts.length === 2 ? parts : [namespace, parts[0]];
    if (!secret) errors.push(`annotation ${ANNOTATION_PREFIX}auth-secret is required with auth-type`);
    else if (
      parts.length > 2 ||
      !secretName ||
      !isIdentifierPath(secretName) ||
      !isIdentifier(secretNamespace ?? '')
    )
      bad('auth-secret', 'must be NAME or NAMESPACE/NAME of a Secret');
    else if (secretNamespace !== namespace) bad('auth-secret', "must be in the Ingress's own namespace");
    const secretType = get('auth-secret-type') ?? 'auth-file';
    if (secretType !== 'auth-file' && secretType !== 'auth-map')
      bad('auth-secret-type', 'must be "auth-file" or "auth-map"');
    const realm = get('auth-realm') ?? 'Authentication Required';
    // `$` would be read as a variable reference in auth_basic; control characters as syntax.
    if (!isPrintable(realm) || realm.includes('$') || realm.length > 256)
      bad('auth-realm', 'must be printable text without "$", at most 256 characters');
    if (authType === 'basic' && secret && secretName)
      value.basicAuth = {
        secretNamespace: secretNamespace ?? namespace,
        secretName,
        secretType: secretType === 'auth-map' ? 'auth-map' : 'auth-file',
        realm,
      };
  }

  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}

/** A DNS-1123 subdomain (Secret names). */
function isIdentifierPath(s: string): boolean {
  return s.length <= 253 && s.split('.').every(isIdentifier);
}
