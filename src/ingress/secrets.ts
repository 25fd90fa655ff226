/**
 * Turning Secrets into the files nginx reads: a TLS Secret becomes one PEM (certificate chain, then
 * key) after checking that the certificate parses and the key belongs to it; a basic-auth Secret
 * becomes an htpasswd file after checking every line is `user:hash`. Checking here means a broken
 * Secret is reported on the Ingress that uses it instead of failing `nginx -t` for everyone.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { DeepReadonly } from '../api/object.ts';
import type { BasicAuth } from './annotations.ts';
import type { Secret } from './types.ts';

/** A file's content or the reason it could not be made. */
export type SecretFile = { ok: true; content: string } | { ok: false; error: string };

function decode(secret: DeepReadonly<Secret>, key: string): string | undefined {
  const v = secret.data?.[key];
  return typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : undefined;
}

/** The PEM nginx loads for a TLS Secret (type kubernetes.io/tls with tls.crt and tls.key). */
export function tlsPem(secret: DeepReadonly<Secret> | undefined, ref: string): SecretFile {
  if (!secret) return { ok: false, error: `TLS secret ${ref} not found` };
  if (secret.type !== 'kubernetes.io/tls')
    return {
      ok: false,
      error: `secret ${ref} is of type ${JSON.stringify(secret.type ?? '')}, want kubernetes.io/tls`,
    };
  const crt = decode(secret, 'tls.crt');
  const key = decode(secret, 'tls.key');
  if (!crt || !key) return { ok: false, error: `TLS secret ${ref} lacks tls.crt or tls.key` };
  try {
    const cert = new X509Certificate(crt);
    const privateKey = createPrivateKey(key);
    if (!cert.checkPrivateKey(privateKey))
      return { ok: false, error: `TLS secret ${ref}: tls.key does not match the certificate` };
  } catch (err) {
    return { ok: false, error: `TLS secret ${ref}: ${(err as Error).message}` };
  }
  return { ok: true, content: `${crt.trim()}\n${key.trim()}\n` };
}

const HTPASSWD_LINE = /^[^:\s#][^:\s]*:[^\s]+$/;

/** The htpasswd file for basic auth from an auth-file Secret (key `auth`) or an auth-map Secret. */
export function htpasswd(secret: DeepReadonly<Secret> | undefined, auth: BasicAuth): SecretFile {
  const ref = `${auth.secretNamespace}/${auth.secretName}`;
  if (!secret) return { ok: false, error: `auth secret ${ref} not found` };
  let lines: string[];
  if (auth.secretType === 'auth-file') {
    const text = decode(secret, 'auth');
    if (text === undefined) return { ok: false, error: `auth secret ${ref} has no "auth" key` };
    lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  } else {
    lines = Object.keys(secret.data ?? {}).map((user) => `${user}:${decode(secret, user) ?? ''}`);
  }
  if (lines.length === 0) return { ok: false, error: `auth secret ${ref} holds no users` };
  const badLine = lines.findIndex((l) => !HTPASSWD_LINE.test(l));
  if (badLine >= 0) return { ok: false, error: `auth secret ${ref}: entry ${badLine + 1} is not user:hash` };
  return { ok: true, content: lines.join('\n') + '\n' };
}
