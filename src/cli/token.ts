/**
 * `berth token create [--ttl 24h] [--description TEXT] [--kubeconfig FILE | --data-dir DIR]`: mints a
 * bootstrap token for joining nodes — a kube-system Secret `bootstrap-token-<id>` of type
 * bootstrap.kubernetes.io/token, usable for authentication, in the extra group
 * system:bootstrappers:berth:default-node-token — through the API with an administrator's
 * kubeconfig. Prints the token on the first line and the `berth agent` join command on the second,
 * with the --ca-cert-hash pin of the cluster CA (sha256 of its SubjectPublicKeyInfo, as kubeadm).
 */
import { randomInt } from 'node:crypto';
import { join, resolve } from 'node:path';
import { StatusError } from '../api/errors.ts';
import {
  bootstrapTokenNamespace,
  bootstrapTokenSecretPrefix,
  bootstrapTokenSecretType,
  defaultNodeTokenGroup,
} from '../apiserver/authn/bootstrap-token.ts';
import { certFingerprintSha256 } from '../apiserver/pki/fingerprint.ts';
import { Client } from '../client/client.ts';
import { httpTransport } from '../client/http.ts';
import { defaultKubeconfigPath, loadKubeconfig, type LoadedKubeconfig } from '../client/kubeconfig.ts';
import { parseDuration } from '../node/sim/duration.ts';
import { CliError } from './server.ts';

export interface TokenCreateFlags {
  kubeconfig?: string;
  dataDir?: string;
  ttl: string;
  description?: string;
}

export interface CreatedToken {
  token: string;
  /** RFC 3339, or undefined when the token never expires (--ttl 0). */
  expiration?: string;
  caCertHash: string;
  joinCommand: string;
}

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomString(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

/** A fresh `<6>.<16>` bootstrap token. */
export function generateBootstrapToken(): string {
  return `${randomString(6)}.${randomString(16)}`;
}

/** --ttl: a duration (30m, 24h); 0 for a token that never expires. */
export function ttlMs(ttl: string): number {
  if (ttl.trim() === '0') return 0;
  try {
    const ms = parseDuration(ttl);
    if (ms < 1000) throw new Error('must be at least 1s');
    return ms;
  } catch (err) {
    throw new CliError(`--ttl: ${(err as Error).message} (e.g. 24h, 30m, or 0 for no expiry)`);
  }
}

/** The Secret that holds `token`. */
export function bootstrapTokenSecret(token: string, now: number, ttl: number, description?: string) {
  const [id, secret] = token.split('.') as [string, string];
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const data: Record<string, string> = {
    'token-id': b64(id),
    'token-secret': b64(secret),
    'usage-bootstrap-authentication': b64('true'),
    'usage-bootstrap-signing': b64('true'),
    'auth-extra-groups': b64(defaultNodeTokenGroup),
  };
  const expiration = ttl > 0 ? new Date(now + ttl).toISOString().replace(/\.\d+Z$/, 'Z') : undefined;
  if (expiration) data.expiration = b64(expiration);
  if (description) data.description = b64(description);
  return {
    expiration,
    secret: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: bootstrapTokenSecretPrefix + id, namespace: bootstrapTokenNamespace },
      type: bootstrapTokenSecretType,
      data,
    },
  };
}

async function adminKubeconfig(f: TokenCreateFlags): Promise<LoadedKubeconfig> {
  const path = f.kubeconfig ?? (f.dataDir ? join(resolve(f.dataDir), 'kubeconfig') : defaultKubeconfigPath());
  try {
    return await loadKubeconfig(path);
  } catch (err) {
    throw new CliError(`cannot read kubeconfig ${path}: ${(err as Error).message}`);
  }
}

/** Creates the token Secret and returns what to print. */
export async function createToken(f: TokenCreateFlags): Promise<CreatedToken> {
  const ttl = ttlMs(f.ttl);
  const kc = await adminKubeconfig(f);
  if (!kc.caCert)
    throw new CliError('the kubeconfig names no certificate-authority: cannot compute --ca-cert-hash');
  const caCertHash = certFingerprintSha256(kc.caCert);
  const transport = httpTransport(kc, { userAgent: 'berth-token/0.1' });
  const secrets = new Client(transport).resource('', 'v1', 'secrets');
  try {
    for (let attempt = 0; ; attempt++) {
      const token = generateBootstrapToken();
      const { secret, expiration } = bootstrapTokenSecret(token, Date.now(), ttl, f.description);
      try {
        await secrets.create(bootstrapTokenNamespace, secret);
      } catch (err) {
        if (err instanceof StatusError && err.code === 409 && attempt < 3) continue; // id collision
        if (err instanceof StatusError) throw new CliError(`cannot create the token: ${err.message}`);
        throw new CliError(`cannot reach ${kc.server}: ${(err as Error).message}`);
      }
      return {
        token,
        expiration,
        caCertHash,
        joinCommand: `berth agent --server ${kc.server} --token ${token} --ca-cert-hash ${caCertHash}`,
      };
    }
  } finally {
    transport.close();
  }
}
