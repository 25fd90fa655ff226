/**
 * CriClient: the CRI over gRPC on a unix socket (containerd's, or any runtime serving runtime.v1).
 * Each method is one unary call with a deadline (grpc.ts over node:http2, protobuf.ts for the
 * messages — no gRPC library); failures come back as CriError. Answers keep the
 * wire shapes of types.ts.
 */
import { GrpcChannel } from './grpc.ts';
import { criMethods } from './wire.ts';
import type { CriMethod, CriRpcs } from './wire.ts';
import { toCriError } from './errors.ts';
import type { Cri } from './service.ts';
import type * as T from './types.ts';

export interface CriClientOptions {
  /** The runtime's socket: a path or a `unix://` URL. */
  endpoint: string;
  /** Deadline of an ordinary call, in ms (default 2 min, like kubelet's runtime-request-timeout). */
  requestTimeoutMs?: number;
  /** Deadline of PullImage, in ms (default 15 min). */
  pullTimeoutMs?: number;
}

// ListContainers / ListContainerStats on a busy node exceed gRPC's usual 4 MiB; ExecSync may carry 16 MiB.
const maxReceiveBytes = 16 * 1024 * 1024 + 1024 * 1024;

/** `unix:///abs/path` for a path or unix URL; anything else is returned as given. */
export function grpcTarget(endpoint: string): string {
  if (endpoint.startsWith('unix://')) return endpoint;
  if (endpoint.startsWith('/')) return `unix://${endpoint}`;
  return endpoint;
}

/** A CRI runtime reached over gRPC. Call close() when done. */
export class CriClient implements Cri {
  readonly endpoint: string;
  readonly #channel: GrpcChannel;
  readonly #timeout: number;
  readonly #pullTimeout: number;

  constructor(opts: CriClientOptions) {
    this.endpoint = grpcTarget(opts.endpoint);
    this.#timeout = opts.requestTimeoutMs ?? 120_000;
    this.#pullTimeout = opts.pullTimeoutMs ?? 15 * 60_000;
    this.#channel = new GrpcChannel(this.endpoint, { maxReceiveBytes });
  }

  /**
   * Polls Version until the runtime answers; throws the last error once `timeoutMs` passes, or
   * at once when `signal` aborts (a caller that stopped caring, e.g. the runtime process died).
   */
  async waitReady(timeoutMs = 10_000, signal?: AbortSignal): Promise<T.VersionResponse> {
    const until = Date.now() + timeoutMs;
    for (let pause = 20; ; pause = Math.min(pause * 2, 250)) {
      try {
        const left = Math.max(200, Math.min(2_000, until - Date.now()));
        return await this.#call('Version', { version: 'v1' }, left);
      } catch (err) {
        if (signal?.aborted || Date.now() + pause > until) throw err;
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  }

  close(): void {
    this.#channel.close();
  }

  version(): Promise<T.VersionResponse> {
    return this.#call('Version', { version: 'v1' });
  }

  status(verbose = false): Promise<T.StatusResponse> {
    return this.#call('Status', { verbose });
  }

  async runPodSandbox(config: T.PodSandboxConfig, runtimeHandler = ''): Promise<string> {
    return (await this.#call('RunPodSandbox', { config, runtime_handler: runtimeHandler })).pod_sandbox_id;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    await this.#call('StopPodSandbox', { pod_sandbox_id: podSandboxId });
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    await this.#call('RemovePodSandbox', { pod_sandbox_id: podSandboxId });
  }

  podSandboxStatus(podSandboxId: string, verbose = false): Promise<T.PodSandboxStatusResponse> {
    return this.#call('PodSandboxStatus', { pod_sandbox_id: podSandboxId, verbose });
  }

  async listPodSandbox(filter?: T.PodSandboxFilter): Promise<T.PodSandbox[]> {
    return (await this.#call('ListPodSandbox', { filter })).items;
  }

  async createContainer(
    podSandboxId: string,
    config: T.ContainerConfig,
    sandboxConfig: T.PodSandboxConfig,
  ): Promise<string> {
    const req = { pod_sandbox_id: podSandboxId, config, sandbox_config: sandboxConfig };
    return (await this.#call('CreateContainer', req)).container_id;
  }

  async startContainer(containerId: string): Promise<void> {
    await this.#call('StartContainer', { container_id: containerId });
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    const req = { container_id: containerId, timeout: Math.max(0, Math.floor(timeoutSeconds)) };
    await this.#call('StopContainer', req, this.#timeout + req.timeout * 1000);
  }

  async removeContainer(containerId: string): Promise<void> {
    await this.#call('RemoveContainer', { container_id: containerId });
  }

  async listContainers(filter?: T.ContainerFilter): Promise<T.Container[]> {
    return (await this.#call('ListContainers', { filter })).containers;
  }

  containerStatus(containerId: string, verbose = false): Promise<T.ContainerStatusResponse> {
    return this.#call('ContainerStatus', { container_id: containerId, verbose });
  }

  async updateContainerResources(containerId: string, linux: T.LinuxContainerResources): Promise<void> {
    await this.#call('UpdateContainerResources', { container_id: containerId, linux });
  }

  async reopenContainerLog(containerId: string): Promise<void> {
    await this.#call('ReopenContainerLog', { container_id: containerId });
  }

  execSync(containerId: string, cmd: string[], timeoutSeconds = 0): Promise<T.ExecSyncResponse> {
    const timeout = Math.max(0, Math.floor(timeoutSeconds));
    const deadline = timeout > 0 ? this.#timeout + timeout * 1000 : Infinity;
    return this.#call('ExecSync', { container_id: containerId, cmd, timeout }, deadline);
  }

  async exec(req: T.ExecRequest): Promise<string> {
    return (await this.#call('Exec', req)).url;
  }

  async attach(req: T.AttachRequest): Promise<string> {
    return (await this.#call('Attach', req)).url;
  }

  async portForward(podSandboxId: string, ports: number[]): Promise<string> {
    return (await this.#call('PortForward', { pod_sandbox_id: podSandboxId, port: ports })).url;
  }

  async containerStats(containerId: string): Promise<T.ContainerStats | null> {
    return (await this.#call('ContainerStats', { container_id: containerId })).stats;
  }

  async listContainerStats(filter?: T.ContainerStatsFilter): Promise<T.ContainerStats[]> {
    return (await this.#call('ListContainerStats', { filter })).stats;
  }

  async updateRuntimeConfig(podCidr: string): Promise<void> {
    await this.#call('UpdateRuntimeConfig', { runtime_config: { network_config: { pod_cidr: podCidr } } });
  }

  async pullImage(
    image: string | T.ImageSpec,
    auth?: T.AuthConfig,
    sandboxConfig?: T.PodSandboxConfig,
  ): Promise<string> {
    const req = { image: imageSpec(image), auth, sandbox_config: sandboxConfig };
    return (await this.#call('PullImage', req, this.#pullTimeout)).image_ref;
  }

  async imageStatus(image: string | T.ImageSpec): Promise<T.Image | null> {
    return (await this.#call('ImageStatus', { image: imageSpec(image) })).image;
  }

  async listImages(filter?: string | T.ImageSpec): Promise<T.Image[]> {
    const req = filter === undefined ? {} : { filter: { image: imageSpec(filter) } };
    return (await this.#call('ListImages', req)).images;
  }

  async removeImage(image: string | T.ImageSpec): Promise<void> {
    await this.#call('RemoveImage', { image: imageSpec(image) });
  }

  imageFsInfo(): Promise<T.ImageFsInfoResponse> {
    return this.#call('ImageFsInfo', {});
  }

  async #call<K extends CriMethod>(
    method: K,
    req: CriRpcs[K][0],
    timeoutMs = this.#timeout,
  ): Promise<CriRpcs[K][1]> {
    const m = criMethods()[method];
    try {
      const answer = await this.#channel.unary(m.path, m.requestSerialize(req), timeoutMs);
      return m.responseDeserialize(answer);
    } catch (err) {
      throw toCriError(method, err, this.endpoint);
    }
  }
}

function imageSpec(image: string | T.ImageSpec): T.ImageSpec {
  return typeof image === 'string' ? { image } : image;
}

/** A CRI nanosecond timestamp ("0" = unset) as a Date, or undefined when unset. */
export function nanosToDate(nanos: string): Date | undefined {
  if (!nanos || nanos === '0') return undefined;
  return new Date(Number(BigInt(nanos) / 1_000_000n));
}
