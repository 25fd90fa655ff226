/**
 * Assembles one cluster's control plane API server from a data directory: the datastore, the cluster
 * PKI and admin kubeconfig, authentication (client certificates, static tokens, service-account
 * tokens), admission, subresources, and the objects every cluster starts with (the system namespaces
 * and the `kubernetes` Service).
 */
import { join } from 'node:path';
import { builtinRegistry } from '../api/kinds/index.ts';
import type { KubeObject } from '../api/object.ts';
import { StatusError } from '../api/errors.ts';
import { openDatastore, type EtcdTlsFiles } from './datastore.ts';
import type { Store } from '../store/types.ts';
import { writeKubeconfig } from '../client/kubeconfig.ts';
import { ensureClusterPki, type ClusterPki } from './pki/cluster-pki.ts';
import { x509Authenticator } from './authn/x509.ts';
import { loadTokenFile, tokenFileAuthenticator } from './authn/token-file.ts';
import { serviceAccountAuthenticator } from './authn/serviceaccount.ts';
import { legacyServiceAccountAuthenticator, type LegacySecretState } from './authn/legacy-serviceaccount.ts';
import { ensureApiServerEndpoints, publishedAddress } from './kubernetes-endpoints.ts';
import { unionAuthenticator } from './authn/union.ts';
import {
  bootstrapSecretFrom,
  bootstrapTokenAuthenticator,
  bootstrapTokenNamespace,
  type BootstrapTokenSecret,
} from './authn/bootstrap-token.ts';
import { nodeRestriction } from './admission/node-restriction.ts';
import { certificateRequester } from './admission/certificate-requester.ts';
import { handleCsrApproval } from './handlers/csr-approval.ts';
import { ensureJoinObjects } from './join/join-objects.ts';
import type { Authenticator } from './authn/authenticator.ts';
import { clusterAuthorization } from './authz/setup.ts';
import { rbacEscalation } from './authz/escalation.ts';
import { ensureBootstrapPolicy } from './authz/bootstrap-policy.ts';
import { ClusterRoleAggregator } from './authz/aggregation.ts';
import { ApiServer, type Logger } from './server.ts';
import { podEviction } from './handlers/eviction.ts';
import { namespaceLifecycle } from './admission/namespace-lifecycle.ts';
import { defaultStorageClass } from './admission/default-storage-class.ts';
import { storageObjectInUseProtection } from './admission/storage-object-in-use-protection.ts';
import { defaultTolerationSeconds } from './admission/default-toleration-seconds.ts';
import { ServiceAllocator, serviceAllocation } from './admission/service-allocation.ts';
import { ServiceAllocationRepair } from './admission/service-allocation-repair.ts';
import { limitRanger } from './admission/limit-ranger.ts';
import { priorityAdmission } from './admission/priority.ts';
import { resourceQuotaAdmission } from './admission/resource-quota.ts';
import { SYSTEM_PRIORITY_CLASSES } from '../api/kinds/scheduling/priorityclass.ts';
import { handleScale } from './handlers/scale.ts';
import { namespaceFinalize, podBinding, serviceAccountToken } from './handlers/pod-subresources.ts';
import { podEphemeralContainers } from './handlers/pod-ephemeral.ts';
import { podStreamHandlers } from './handlers/pod-streams.ts';
import { ensureComponentCert } from './pki/component-cert.ts';
import { reviewHandlers } from './handlers/reviews.ts';
import type { SubresourceHandler } from './handlers/resource.ts';
import { systemContext } from './registry/context.ts';
import { startCrdController } from './crd/start.ts';
import { installMetricsApi } from './metrics-api/index.ts';
import { kubeDnsClusterIP, kubeDnsNamespace, kubeDnsService } from '../dns/kube-dns.ts';

export interface ControlPlaneOptions {
  dataDir: string;
  host: string;
  port: number;
  /** `sqlite` (default), `etcd://HOST:PORT[,HOST:PORT...]` or `etcds://…` (TLS, with `etcdTls`). */
  datastore?: string;
  /** TLS files for an `etcds://` datastore (--etcd-cafile, --etcd-certfile, --etcd-keyfile). */
  etcdTls?: EtcdTlsFiles;
  tokenAuthFile?: string;
  serviceCidr?: string;
  nodePortRange?: { first: number; last: number };
  /** tolerationSeconds DefaultTolerationSeconds gives new pods for not-ready / unreachable (300). */
  defaultNotReadyTolerationSeconds?: number;
  defaultUnreachableTolerationSeconds?: number;
  /** The address written into the kubeconfig (defaults to https://HOST:PORT, 127.0.0.1 for wildcard hosts). */
  advertiseUrl?: string;
  log: Logger;
}

export interface ControlPlane {
  server: ApiServer;
  pki: ClusterPki;
  store: Store;
  url: string;
  /** The API's address on this host (loopback for wildcard listens), for components in this process. */
  localUrl: string;
  kubeconfig: string;
  close(): Promise<void>;
}

const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function startControlPlane(o: ControlPlaneOptions): Promise<ControlPlane> {
  const store = await openDatastore(o.datastore, {
    dataDir: o.dataDir,
    etcdTls: o.etcdTls,
    log: (msg, extra) => o.log.warn(extra ?? {}, msg),
  });
  try {
    const pki = await ensureClusterPki(join(o.dataDir, 'tls'), {
      ips: o.host && o.host !== '0.0.0.0' && o.host !== '::' ? [o.host] : [],
    });
    // The API server's client certificate for node agents (logs, exec, port-forward): the one
    // identity agents accept (kube-apiserver-kubelet-client, which the CSR signer never issues).
    const kubeletClient = await ensureComponentCert(
      pki.dir,
      { caCert: pki.caCert, caKey: pki.caKey },
      { file: 'apiserver-kubelet-client', commonName: 'kube-apiserver-kubelet-client', organizations: [] },
    );
    const registry = builtinRegistry();
    const tokenAuthenticators: Authenticator[] = [];
    if (o.tokenAuthFile)
      tokenAuthenticators.push(tokenFileAuthenticator(await loadTokenFile(o.tokenAuthFile)));
    // The service-account authenticator needs the API for lookups; it is created after the server.
    let lookup: (ns: string, name: string) => Promise<{ uid: string } | undefined> = async () => undefined;
    let lookupBound: (
      kind: string,
      ns: string,
      name: string,
    ) => Promise<{ uid: string } | undefined> = async () => undefined;
    tokenAuthenticators.push(
      serviceAccountAuthenticator({
        publicKeys: [pki.saPublicKey],
        lookupServiceAccount: (ns, name) => lookup(ns, name),
        lookupBoundObject: (kind, ns, name) => lookupBound(kind, ns, name),
      }),
    );
    // Legacy token Secrets: valid exactly while the Secret holding the token exists.
    let lookupSecret: (ns: string, name: string) => Promise<LegacySecretState | undefined> = async () =>
      undefined;
    tokenAuthenticators.push(
      legacyServiceAccountAuthenticator({
        publicKeys: [pki.saPublicKey],
        lookupServiceAccount: (ns, name) => lookup(ns, name),
        lookupSecret: (ns, name) => lookupSecret(ns, name),
      }),
    );
    // Bootstrap tokens (node joins): valid while their kube-system Secret says so.
    let lookupBootstrapSecret: (name: string) => Promise<BootstrapTokenSecret | undefined> = async () =>
      undefined;
    tokenAuthenticators.push(bootstrapTokenAuthenticator({ lookupSecret: (n) => lookupBootstrapSecret(n) }));
    const tokens = unionAuthenticator(tokenAuthenticators);
    const authenticator = unionAuthenticator([x509Authenticator(), tokens]);
    // RBAC reads the API's watch caches; the API is made by the server below.
    const authz = clusterAuthorization(() => server.api);
    const authorizer = authz.authorizer;
    const subresources = new Map<string, SubresourceHandler>([
      ['/pods/binding', podBinding],
      ['/pods/ephemeralcontainers', podEphemeralContainers],
      ['/pods/eviction', podEviction],
      ...podStreamHandlers({
        caCert: pki.caCert,
        clientCert: kubeletClient.cert,
        clientKey: kubeletClient.key,
      }),
      ['/serviceaccounts/token', serviceAccountToken(pki.saPrivateKey)],
      ['/namespaces/finalize', namespaceFinalize],
      ['certificates.k8s.io/certificatesigningrequests/approval', handleCsrApproval],
      ...reviewHandlers(authorizer, tokens),
      ...installMetricsApi(
        registry,
        { caCert: pki.caCert, clientCert: kubeletClient.cert, clientKey: kubeletClient.key },
        (obj, msg) => o.log.debug(obj, msg),
      ),
    ]);
    for (const k of registry.kinds())
      if (k.scale) subresources.set(`${k.group}/${k.resource}/scale`, handleScale);
    const server = new ApiServer({
      registry,
      store,
      // The chain includes the CA so a joining agent can check it against its --ca-cert-hash pin
      // before it sends its bootstrap token.
      tls: { cert: `${pki.serverCert.trimEnd()}\n${pki.caCert}`, key: pki.serverKey, ca: pki.caCert },
      authenticator,
      authorizer,
      subresources,
      log: o.log,
    });
    const api = server.api;
    lookup = async (ns, name) => {
      try {
        const sa = await api.resource('', 'serviceaccounts').get(ns, name);
        return { uid: sa.metadata.uid! };
      } catch {
        return undefined;
      }
    };
    const boundResources: Record<string, string> = { Pod: 'pods', Secret: 'secrets', Node: 'nodes' };
    lookupBound = async (kind, ns, name) => {
      try {
        const obj = await api.resource('', boundResources[kind] ?? kind).get(ns, name);
        return obj.metadata.deletionTimestamp ? undefined : { uid: obj.metadata.uid! };
      } catch {
        return undefined;
      }
    };
    lookupBootstrapSecret = async (name) => {
      try {
        return bootstrapSecretFrom(await api.resource('', 'secrets').get(bootstrapTokenNamespace, name));
      } catch {
        return undefined;
      }
    };
    lookupSecret = async (ns, name) => {
      let secret: KubeObject;
      try {
        secret = await api.resource('', 'secrets').get(ns, name);
      } catch {
        return undefined;
      }
      const data = (secret.data ?? {}) as Record<string, unknown>;
      const token =
        typeof data.token === 'string' ? Buffer.from(data.token, 'base64').toString('utf8') : undefined;
      return { token, deleting: !!secret.metadata.deletionTimestamp };
    };
    // Allocation state lives in the datastore (shared by every API server on it).
    const allocator = new ServiceAllocator(api.store, {
      serviceCidr: o.serviceCidr ?? '10.96.0.0/12',
      nodePortRange: o.nodePortRange ?? { first: 30000, last: 32767 },
      log: (msg, extra) => o.log.warn(extra ?? {}, msg),
    });
    api.admission.push(
      namespaceLifecycle(api),
      serviceAllocation(api, allocator),
      rbacEscalation(authz.rbac, authorizer),
    );
    api.admission.push(nodeRestriction(), certificateRequester());
    api.admission.push(
      defaultTolerationSeconds({
        notReadySeconds: o.defaultNotReadyTolerationSeconds,
        unreachableSeconds: o.defaultUnreachableTolerationSeconds,
      }),
    );
    api.admission.push(defaultStorageClass(api), storageObjectInUseProtection());
    api.admission.push(limitRanger(api), priorityAdmission(api));
    // ResourceQuota charges what an object finally asks for, so it must come after every mutating
    // plugin (LimitRanger, Priority, DefaultTolerationSeconds, DefaultStorageClass, ...), and no plugin
    // may refuse after it has charged (the charge would not be released): keep it LAST.
    api.admission.push(resourceQuotaAdmission(api));
    const addr = await server.listen(o.host, o.port);
    await startCrdController(server, o.log);
    const host = o.host === '0.0.0.0' || o.host === '::' || o.host === '' ? '127.0.0.1' : o.host;
    const url = o.advertiseUrl ?? `https://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
    await bootstrapObjects(server, allocator.cidr);
    // A wildcard listen publishes this machine's external address, as kube-apiserver does.
    const advertised = o.advertiseUrl ? new URL(o.advertiseUrl) : undefined;
    await ensureApiServerEndpoints(
      api,
      publishedAddress(advertised ? advertised.hostname : o.host),
      advertised ? Number(advertised.port || 443) : addr.port,
    );
    await ensureBootstrapPolicy(api);
    await ensureJoinObjects(api, url, pki.caCert);
    const aggregator = new ClusterRoleAggregator(api, { log: (msg, extra) => o.log.warn(extra ?? {}, msg) });
    await aggregator.start();
    // Rebuilds the ClusterIP / NodePort bitmaps from the Services now and every few minutes.
    const allocationRepair = new ServiceAllocationRepair(api, allocator);
    await allocationRepair.start();
    // The listening address, not advertiseUrl: in-process components stay on this host's own socket.
    const localUrl = `https://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
    const kubeconfig = join(o.dataDir, 'kubeconfig');
    await writeKubeconfig(kubeconfig, {
      server: url,
      caCertPem: pki.caCert,
      user: { name: 'admin', clientCert: pki.adminCert, clientKey: pki.adminKey },
      cluster: 'berth',
      context: 'berth',
    });
    return {
      server,
      pki,
      store,
      url,
      localUrl,
      kubeconfig,
      async close() {
        aggregator.stop();
        allocationRepair.stop();
        await server.close();
        await store.close();
      },
    };
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
}

/** Creates what every cluster has from the start, if missing. */
async function bootstrapObjects(server: ApiServer, serviceCidr: string): Promise<void> {
  const api = server.api;
  const ensure = async (group: string, resource: string, ns: string, obj: KubeObject) => {
    const rs = api.resource(group, resource);
    try {
      await rs.get(ns, obj.metadata.name!);
      return;
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
    try {
      await rs.create(ns, obj, systemContext());
    } catch (err) {
      // Another API server on the same datastore made it first (AlreadyExists, or for the
      // kubernetes Service its address "already allocated"): that is the same outcome.
      const made = await rs.get(ns, obj.metadata.name!).then(
        () => true,
        () => false,
      );
      if (!made) throw err;
    }
  };
  for (const name of systemNamespaces) {
    await ensure('', 'namespaces', '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  // The built-in PriorityClasses (system-node-critical, system-cluster-critical).
  for (const pc of SYSTEM_PRIORITY_CLASSES) {
    await ensure('scheduling.k8s.io', 'priorityclasses', '', {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: pc.name },
      value: pc.value,
      description: pc.description,
      preemptionPolicy: 'PreemptLowerPriority',
    });
  }
  // The default StorageClass: node-local directories made by the local-path provisioner.
  await ensure('storage.k8s.io', 'storageclasses', '', {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'local-path', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'berth.io/local-path',
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  });
  const first = serviceCidr.replace(/\.0\/\d+$/, '.1');
  await ensure('', 'services', 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      labels: { component: 'apiserver', provider: 'kubernetes' },
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: first,
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
    },
  });
  // Cluster DNS's address (10.96.0.10): no selector, the agents' DNS workers publish its endpoints.
  await ensure('', 'services', kubeDnsNamespace, kubeDnsService(kubeDnsClusterIP(serviceCidr)));
}
