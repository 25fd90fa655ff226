/**
 * Runs the controller manager beside `berth server`. It talks to the API like any other client —
 * through the same authentication, authorization, admission and watch code — either over an
 * in-process connection (no TCP, no TLS: what `berth server` uses, since both live in one process)
 * or over HTTPS with a client certificate. Its user is `system:kube-controller-manager`, for now in
 * group system:masters (full access) until the bootstrap RBAC policy grants each controller its own
 * role.
 */
import type { Agent as HttpAgent } from 'node:http';
import { Client } from '../client/client.ts';
import { httpTransport } from '../client/http.ts';
import type { ClientLogger } from '../client/logger.ts';
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

/** The user the controller manager authenticates as. */
export const controllerManagerUser = 'system:kube-controller-manager';

export interface StartControllerManagerOptions
  extends NodeControllerOptions, ServiceAccountControllerOptions, CertificateControllerOptions {
  /**
   * How to reach the API: an in-process agent (ApiServer.inProcess.agent(user), identity bound to
   * its connections), or the server's URL with its CA and a client certificate and key (PEM).
   */
  connection: { agent: HttpAgent } | { url: string; caCert: string; cert: string; key: string };
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

/** Starts campaigning and, once leader, the controllers; `stop` stops them and releases the lease. */
export async function startControllerManager(
  o: StartControllerManagerOptions,
): Promise<{ stop(): Promise<void> }> {
  const c = o.connection;
  const inProcess = 'agent' in c;
  const transport = httpTransport(
    {
      context: 'controller-manager',
      server: inProcess ? 'http://in-process' : c.url,
      ...(inProcess ? {} : { caCert: c.caCert, clientCert: c.cert, clientKey: c.key }),
      insecureSkipTlsVerify: false,
      namespace: 'default',
    },
    // Every watch holds one HTTP/1.1 connection and the garbage collector watches every resource:
    // a capped pool would leave ordinary requests queued behind long-lived watches.
    {
      userAgent: o.userAgent ?? 'berth-controller-manager/0.1',
      maxSockets: Infinity,
      ...(inProcess ? { agent: c.agent } : {}),
    },
  );
  const manager = new ControllerManager({
    client: new Client(transport),
    controllers: o.controllers ?? defaultControllers(o),
    log: o.log,
    lease: o.leaseName ? { name: o.leaseName } : undefined,
  });
  manager.start();
  return {
    async stop() {
      try {
        await manager.stop();
      } finally {
        transport.close();
      }
    },
  };
}
