/**
 * Runs the controller manager beside `berth server`. It talks to the API like any other client —
 * through the same authentication, authorization, admission and watch code — either over in-process
 * connections (no TCP, no TLS: what `berth server` uses, since both live in one process) or over
 * HTTPS with a client certificate. In-process, the manager (lease, shared informers) is
 * `system:kube-controller-manager` and each controller gets a connection of its own identity
 * (`connectionFor`, see identities.ts), each held to its bootstrap ClusterRole; over HTTPS every
 * controller shares the one certificate.
 */
import type { Agent as HttpAgent } from 'node:http';
import { Client } from '../client/client.ts';
import { httpTransport, type HttpTransport } from '../client/http.ts';
import { withObjectWatches, type EventSinks } from '../client/object-watch.ts';
import type { ClientLogger } from '../client/logger.ts';
import type { DirectRequester } from '../client/transport.ts';
import { GarbageCollector } from './garbagecollector/controller.ts';
import { ControllerManager } from './manager.ts';
import { nodeControllers, type NodeControllerOptions } from './nodelifecycle/node-controllers.ts';
import { replicaSetController } from './replicaset/controller.ts';
import { deploymentController } from './deployment/controller.ts';
import { jobController } from './job/controller.ts';
import { cronJobController } from './cronjob/controller.ts';
import { ttlAfterFinishedController } from './ttlafterfinished/controller.ts';
import { NamespaceController } from './namespace/controller.ts';
import { DisruptionController } from './disruption/controller.ts';
import { PodAutoscalerController } from './podautoscaler/controller.ts';
import { statefulSetController } from './statefulset/controller.ts';
import { daemonSetController } from './daemonset/controller.ts';
import { endpointSliceController } from './endpointslice/controller.ts';
import { endpointsController } from './endpoints/controller.ts';
import {
  serviceAccountControllers,
  type ServiceAccountControllerOptions,
} from './serviceaccount/controllers.ts';
import { volumeControllers } from './persistentvolume/volume-controllers.ts';
import type { Controller } from './types.ts';
import { resourceQuotaController } from './resourcequota/controller.ts';
import { certificateControllers, type CertificateControllerOptions } from './certificates/controllers.ts';

export { controllerManagerUser } from './identities.ts';

/** How to reach the API: an in-process agent, or HTTPS with a client certificate and key (PEM). */
export type ApiConnection =
  | {
      agent: HttpAgent;
      /** The server's in-process watch receivers: informers then share the watch cache's objects. */
      sinks?: EventSinks;
      /** Ordinary requests without HTTP framing, as the agent's identity (ApiServer.inProcess.requester). */
      direct?: DirectRequester;
    }
  | { url: string; caCert: string; cert: string; key: string };

export interface StartControllerManagerOptions
  extends NodeControllerOptions, ServiceAccountControllerOptions, CertificateControllerOptions {
  /**
   * How to reach the API: an in-process agent (ApiServer.inProcess.agent(user), identity bound to
   * its connections), or the server's URL with its CA and a client certificate and key (PEM).
   */
  connection: ApiConnection;
  /**
   * The connection a controller (by Controller.name) writes through, so its requests carry its own
   * identity; `connection` for every controller unless told. Called once per controller name.
   */
  connectionFor?: (controllerName: string) => ApiConnection;
  log: ClientLogger;
  /** Controllers to run; defaultControllers() unless told. */
  controllers?: Controller[];
  /** The Lease the instances elect a leader on (kube-system/kube-controller-manager unless told). */
  leaseName?: string;
  /** Client user agent (shown in managed fields and logs). */
  userAgent?: string;
}

/** The controllers `berth server` runs. */
export function defaultControllers(
  o: NodeControllerOptions & ServiceAccountControllerOptions & CertificateControllerOptions = {},
): Controller[] {
  return [
    new GarbageCollector(),
    new NamespaceController(),
    replicaSetController(),
    deploymentController(),
    jobController(),
    cronJobController(),
    ttlAfterFinishedController(),
    new DisruptionController(),
    new PodAutoscalerController(),
    statefulSetController(),
    daemonSetController(),
    ...nodeControllers(o),
    endpointsController(),
    endpointSliceController(),
    ...serviceAccountControllers(o),
    ...volumeControllers(),
    resourceQuotaController(),
    ...certificateControllers(o),
  ];
}

/**
 * Starts campaigning and, once leader, the controllers; `stop` stops them and releases the lease.
 * `whenRunning` resolves once this instance leads and its informers have synced.
 */
export async function startControllerManager(
  o: StartControllerManagerOptions,
): Promise<{ stop(): Promise<void>; whenRunning(): Promise<void> }> {
  const userAgent = o.userAgent ?? 'berth-controller-manager/0.1';
  const transports: HttpTransport[] = [];
  const clientOf = (c: ApiConnection, context: string): Client => {
    const t = transportFor(c, context, userAgent);
    transports.push(t);
    return new Client(t);
  };
  const client = clientOf(o.connection, 'controller-manager');
  const perController = new Map<string, Client>();
  const clientFor = o.connectionFor
    ? (name: string): Client => {
        let c = perController.get(name);
        if (!c) {
          c = clientOf(o.connectionFor!(name), name);
          perController.set(name, c);
        }
        return c;
      }
    : undefined;
  const manager = new ControllerManager({
    client,
    clientFor,
    controllers: o.controllers ?? defaultControllers(o),
    log: o.log,
    lease: o.leaseName ? { name: o.leaseName } : undefined,
  });
  manager.start();
  return {
    whenRunning: () => manager.whenRunning(),
    async stop() {
      try {
        await manager.stop();
      } finally {
        for (const t of transports) t.close();
      }
    },
  };
}

/**
 * Requests in flight per client over the network. Beyond it they wait in the connection pool: an
 * unbounded pool turns a burst of writes (a scheduler binding thousands of pods) into as many TLS
 * handshakes on the API server.
 */
const maxRequestSockets = 128;

/** One HTTP transport over `c`. */
function transportFor(c: ApiConnection, context: string, userAgent: string): HttpTransport {
  if (!('agent' in c)) {
    const kc = {
      context,
      server: c.url,
      caCert: c.caCert,
      clientCert: c.cert,
      clientKey: c.key,
      insecureSkipTlsVerify: false,
      namespace: 'default',
    };
    // Every watch holds a connection of its own; ordinary requests share a bounded pool.
    const requests = httpTransport(kc, { userAgent, maxSockets: maxRequestSockets });
    const watches = httpTransport(kc, { userAgent, maxSockets: Infinity });
    return {
      server: c.url,
      request: (req) => requests.request(req),
      stream: (req) => watches.stream(req),
      close() {
        requests.close();
        watches.close();
      },
    };
  }
  const t = httpTransport(
    { context, server: 'http://in-process', insecureSkipTlsVerify: false, namespace: 'default' },
    // Every watch holds one HTTP/1.1 connection and the garbage collector watches every resource:
    // a capped pool would leave ordinary requests queued behind long-lived watches. In-process
    // connections cost no handshake.
    { userAgent, maxSockets: Infinity, agent: c.agent },
  );
  const direct = c.direct;
  const withDirect: HttpTransport = direct ? { ...t, request: (req) => direct(req, userAgent) } : t;
  return c.sinks ? withObjectWatches(withDirect, c.sinks) : withDirect;
}
