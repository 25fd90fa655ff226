/**
 * Wires the CRD controller into a running API server: custom kinds register into the server's
 * registry, /scale handlers into its subresource table, and discovery is rebuilt on every change.
 * Resolves once every CRD already stored is served, so a restarted server serves them at once.
 */
import type { ApiServer, Logger } from '../server.ts';
import { CrdController } from './controller.ts';

/** Starts the controller for `server`; it stops by itself when the server closes. */
export async function startCrdController(server: ApiServer, log: Logger): Promise<CrdController> {
  const controller = new CrdController({
    api: server.api,
    invalidate: () => server.invalidateDiscovery(),
    subresources: server.subresources,
    log,
  });
  server.server.once('close', () => controller.stop());
  await controller.start();
  return controller;
}
