/**
 * The agent's own identity: a client certificate for `system:node:NAME` in group `system:nodes`,
 * kept in DATA_DIR/kubeconfig. How it is obtained (TLS bootstrap, as the kubelet does):
 * 1. a kubeconfig already holding this node's certificate is used as it is;
 * 2. else DATA_DIR/kubeconfig is reused while its certificate has more than a fifth of its lifetime
 *    left; when less is left it is renewed by a request signed in with that same certificate (the
 *    approver accepts a node renewing itself);
 * 3. else the bootstrap credentials ask for one: a bootstrap token (after the CA was pinned, see
 *    ca-pin.ts, and checked against kube-public/cluster-info), or any other kubeconfig — an admin's,
 *    which also approves its own request, so the agent never runs as admin.
 * The private key is made here and never leaves the machine; the request goes through the
 * certificates.k8s.io/v1 CertificateSigningRequest API (signer kube-apiserver-client-kubelet).
 */
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { StatusError } from '../../api/errors.ts';
import type { KubeObject } from '../../api/object.ts';
import { Client } from '../../client/client.ts';
import { realClock, sleep, type Clock } from '../../client/clock.ts';
import { httpTransport } from '../../client/http.ts';
import { loadKubeconfig, writeKubeconfig, type LoadedKubeconfig } from '../../client/kubeconfig.ts';
import { silentLogger, type ClientLogger } from '../../client/logger.ts';
import { caFromChain, parsePin, pinnedCa, PinError } from './ca-pin.ts';

export const nodeGroup = 'system:nodes';
export const kubeletClientSigner = 'kubernetes.io/kube-apiserver-client-kubelet';

export type BootstrapCredentials =
  | { kind: 'token'; server: string; token: string; caCertHash: string }
  | { kind: 'kubeconfig'; kubeconfig: LoadedKubeconfig };

export interface NodeIdentityOptions {
  nodeName: string;
  dataDir: string;
  bootstrap: BootstrapCredentials;
  log?: ClientLogger;
  clock?: Clock;
  /** How long to wait for the certificate to be issued (2 min). */
  timeoutMs?: number;
}

export interface NodeIdentity {
  kubeconfig: LoadedKubeconfig;
  /** The file holding it (DATA_DIR/kubeconfig, or the given file when it already was the node's). */
  path: string;
  how: 'given' | 'existing' | 'renewed' | 'bootstrapped';
}

/** A failure the user must act on; the message says what happened and what to do. */
export class JoinError extends Error {}

/** The CN and O of a PEM certificate, and how much of its lifetime is left (0..1). */
export function certIdentity(
  pem: string,
  now = Date.now(),
): { user: string; groups: string[]; leftFraction: number } {
  const cert = new X509Certificate(pem);
  const fields = cert.subject.split('\n');
  const user = fields.find((f) => f.startsWith('CN='))?.slice(3) ?? '';
  const groups = fields.filter((f) => f.startsWith('O=')).map((f) => f.slice(2));
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  return { user, groups, leftFraction: to <= now ? 0 : (to - now) / Math.max(1, to - from) };
}

function isNodeCert(kc: LoadedKubeconfig, node: string, now: number): number | undefined {
  if (!kc.clientCert || !kc.clientKey) return undefined;
  try {
    const id = certIdentity(kc.clientCert, now);
    return id.user === `system:node:${node}` && id.groups.includes(nodeGroup) ? id.leftFraction : undefined;
  } catch {
    return undefined;
  }
}

function clientFor(kc: LoadedKubeconfig): { client: Client; close(): void } {
  const t = httpTransport(kc, { userAgent: 'berth-agent/0.1' });
  return { client: new Client(t), close: () => t.close() };
}

/** Establishes (or reuses) the node's identity; see the file comment. */
export async function ensureNodeIdentity(o: NodeIdentityOptions): Promise<NodeIdentity> {
  const clock = o.clock ?? realClock;
  const now = clock.now();
  const path = join(o.dataDir, 'kubeconfig');
  if (o.bootstrap.kind === 'kubeconfig' && isNodeCert(o.bootstrap.kubeconfig, o.nodeName, now) !== undefined)
    return { kubeconfig: o.bootstrap.kubeconfig, path: '', how: 'given' };
  let credentials: LoadedKubeconfig | undefined;
  let how: NodeIdentity['how'] = 'bootstrapped';
  if (existsSync(path)) {
    const kc = await loadKubeconfig(path).catch(() => undefined);
    const left = kc && isNodeCert(kc, o.nodeName, now);
    const sameServer = o.bootstrap.kind !== 'token' || kc?.server === o.bootstrap.server;
    if (kc && left !== undefined && left > 0 && sameServer) {
      if (left > 0.2) return { kubeconfig: kc, path, how: 'existing' };
      credentials = kc;
      how = 'renewed';
    }
  }
  let server: string;
  let caCert: string | undefined;
  if (credentials) {
    server = credentials.server;
    caCert = credentials.caCert;
  } else if (o.bootstrap.kind === 'token') {
    server = o.bootstrap.server;
    caCert = await trustedCa(o.bootstrap.server, o.bootstrap.caCertHash);
    credentials = {
      context: 'bootstrap',
      server,
      caCert,
      token: o.bootstrap.token,
      insecureSkipTlsVerify: false,
      namespace: 'default',
    };
    await checkClusterInfo(credentials, parsePin(o.bootstrap.caCertHash));
  } else {
    credentials = o.bootstrap.kubeconfig;
    server = credentials.server;
    caCert = credentials.caCert;
  }
  if (!caCert)
    throw new JoinError(
      `the kubeconfig for ${server} has no certificate-authority: cannot write a node kubeconfig`,
    );
  const issued = await requestNodeCertificate(credentials, o.nodeName, {
    approve: o.bootstrap.kind === 'kubeconfig' && how === 'bootstrapped',
    clock,
    log: o.log ?? silentLogger,
    timeoutMs: o.timeoutMs ?? 120_000,
  });
  await writeKubeconfig(path, {
    server,
    caCertPem: caCert,
    user: { name: `system:node:${o.nodeName}`, clientCert: issued.cert, clientKey: issued.key },
    cluster: 'berth',
    context: `system:node:${o.nodeName}@berth`,
  });
  return { kubeconfig: await loadKubeconfig(path), path, how };
}

async function trustedCa(server: string, pin: string): Promise<string> {
  try {
    return await pinnedCa(server, pin);
  } catch (err) {
    if (err instanceof PinError) throw new JoinError(err.message);
    throw err;
  }
}

/** Reads kube-public/cluster-info with the token and checks its CA is the pinned one. */
async function checkClusterInfo(kc: LoadedKubeconfig, pin: string): Promise<void> {
  const c = clientFor(kc);
  try {
    const cm = await c.client.resource('', 'v1', 'configmaps').get('kube-public', 'cluster-info');
    const doc = parse(String((cm.data as Record<string, unknown> | undefined)?.kubeconfig ?? '')) as {
      clusters?: { cluster?: { 'certificate-authority-data'?: string } }[];
    };
    const data = doc?.clusters?.[0]?.cluster?.['certificate-authority-data'];
    if (!data) throw new JoinError('kube-public/cluster-info holds no CA certificate');
    caFromChain([new X509Certificate(Buffer.from(data, 'base64'))], pin);
  } catch (err) {
    if (err instanceof PinError) throw new JoinError(`kube-public/cluster-info: ${err.message}`);
    throw explain(err, kc.server);
  } finally {
    c.close();
  }
}

/** Turns an API refusal during joining into one line the user can act on. */
function explain(err: unknown, server: string): unknown {
  if (!(err instanceof StatusError)) return err;
  if (err.code === 401)
    return new JoinError(
      `${server} refused the bootstrap token: it is unknown, expired or deleted (make a new one with \`berth token create\` on the server)`,
    );
  if (err.code === 403)
    return new JoinError(`${server} does not allow these credentials to join: ${err.message}`);
  return err;
}

interface RequestOptions {
  approve: boolean;
  clock: Clock;
  log: ClientLogger;
  timeoutMs: number;
}

/** Creates a key and a CertificateSigningRequest for the node and waits for the certificate. */
export async function requestNodeCertificate(
  kc: LoadedKubeconfig,
  node: string,
  o: RequestOptions,
): Promise<{ cert: string; key: string }> {
  // Loaded only when a certificate is needed (a restart with a valid identity never needs it); the
  // request itself is made in a short-lived child process (pki/x509-process.ts), never in the agent.
  const { createCertificateRequest } = await import('../../apiserver/pki/csr.ts');
  const { csr, key } = await createCertificateRequest({
    commonName: `system:node:${node}`,
    organizations: [nodeGroup],
  });
  const c = clientFor(kc);
  const csrs = c.client.resource('certificates.k8s.io', 'v1', 'certificatesigningrequests');
  try {
    let created: KubeObject;
    try {
      created = await csrs.create(undefined, {
        apiVersion: 'certificates.k8s.io/v1',
        kind: 'CertificateSigningRequest',
        metadata: { generateName: 'node-csr-' },
        spec: {
          request: Buffer.from(csr).toString('base64'),
          signerName: kubeletClientSigner,
          usages: ['digital signature', 'client auth'],
        },
      });
    } catch (err) {
      throw explain(err, kc.server);
    }
    const name = created.metadata.name!;
    o.log.info({ csr: name, node }, 'requested node client certificate');
    if (o.approve) {
      // An administrator's kubeconfig approves its own request; anyone else waits for the approver.
      const at = new Date(o.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
      await csrs
        .patch(
          undefined,
          name,
          'merge',
          {
            status: {
              conditions: [
                {
                  type: 'Approved',
                  status: 'True',
                  reason: 'AgentSelfApproved',
                  message: 'approved by berth agent with administrator credentials',
                  lastUpdateTime: at,
                },
              ],
            },
          },
          { subresource: 'approval' },
        )
        .catch((err: unknown) =>
          o.log.info({ csr: name, err }, 'could not approve own request; waiting for an approver'),
        );
    }
    const deadline = o.clock.now() + o.timeoutMs;
    for (let wait = 200; ; wait = Math.min(wait * 2, 2000)) {
      const cur = await csrs.get(undefined, name);
      const status = (cur.status ?? {}) as {
        certificate?: string;
        conditions?: { type: string; status: string; message?: string }[];
      };
      const bad = (status.conditions ?? []).find(
        (cd) => (cd.type === 'Denied' || cd.type === 'Failed') && cd.status === 'True',
      );
      if (bad)
        throw new JoinError(
          `certificate request ${name} was ${bad.type.toLowerCase()}: ${bad.message ?? 'no reason given'}`,
        );
      if (status.certificate)
        return { cert: Buffer.from(status.certificate, 'base64').toString('utf8'), key };
      if (o.clock.now() >= deadline)
        throw new JoinError(
          `certificate request ${name} was not signed within ${Math.round(o.timeoutMs / 1000)} s: approve it with \`kubectl certificate approve ${name}\``,
        );
      await sleep(o.clock, wait);
    }
  } finally {
    c.close();
  }
}
