/**
 * What the node agent needs from a container runtime, in CRI terms. The real implementation is
 * CriClient (gRPC to containerd); the pod sync loop depends only on these interfaces, so its unit
 * tests can use a fake runtime and its e2e tests the real one.
 */
import type * as T from './types.ts';

/** Pod sandboxes, containers, streams and stats (CRI RuntimeService). */
export interface RuntimeService {
  /** Runtime name and versions; the first call that proves the runtime answers. */
  version(): Promise<T.VersionResponse>;
  /** RuntimeReady / NetworkReady conditions (NetworkReady is false until a CNI config exists). */
  status(verbose?: boolean): Promise<T.StatusResponse>;
  /** Creates and starts a sandbox (pause container, netns, pod IP); returns its id. */
  runPodSandbox(config: T.PodSandboxConfig, runtimeHandler?: string): Promise<string>;
  /** Stops every container of the sandbox and releases its network; idempotent. */
  stopPodSandbox(podSandboxId: string): Promise<void>;
  /** Removes a sandbox and its containers; idempotent. */
  removePodSandbox(podSandboxId: string): Promise<void>;
  podSandboxStatus(podSandboxId: string, verbose?: boolean): Promise<T.PodSandboxStatusResponse>;
  listPodSandbox(filter?: T.PodSandboxFilter): Promise<T.PodSandbox[]>;
  /** Creates a container in a sandbox (`sandboxConfig` = the config the sandbox was run with). */
  createContainer(
    podSandboxId: string,
    config: T.ContainerConfig,
    sandboxConfig: T.PodSandboxConfig,
  ): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** SIGTERM (or the image's stop signal), then SIGKILL after `timeoutSeconds`; idempotent. */
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  listContainers(filter?: T.ContainerFilter): Promise<T.Container[]>;
  containerStatus(containerId: string, verbose?: boolean): Promise<T.ContainerStatusResponse>;
  updateContainerResources(containerId: string, linux: T.LinuxContainerResources): Promise<void>;
  /** Asks the runtime to reopen a container's log file (after the agent rotated it). */
  reopenContainerLog(containerId: string): Promise<void>;
  /** Runs a command to completion and returns its output and exit code (0 s = no time limit). */
  execSync(containerId: string, cmd: string[], timeoutSeconds?: number): Promise<T.ExecSyncResponse>;
  /** URL on the runtime's stream server where the exec session is served. */
  exec(req: T.ExecRequest): Promise<string>;
  attach(req: T.AttachRequest): Promise<string>;
  portForward(podSandboxId: string, ports: number[]): Promise<string>;
  /** Stats of one container; null when the runtime has none yet. */
  containerStats(containerId: string): Promise<T.ContainerStats | null>;
  listContainerStats(filter?: T.ContainerStatsFilter): Promise<T.ContainerStats[]>;
  /** Tells the runtime the node's pod CIDR. */
  updateRuntimeConfig(podCidr: string): Promise<void>;
}

/** Images on the node (CRI ImageService). */
export interface ImageService {
  /** Pulls `image` (with registry credentials when given); returns the image ref (id/digest). */
  pullImage(
    image: string | T.ImageSpec,
    auth?: T.AuthConfig,
    sandboxConfig?: T.PodSandboxConfig,
  ): Promise<string>;
  /** The image when present on the node, else null. */
  imageStatus(image: string | T.ImageSpec): Promise<T.Image | null>;
  listImages(filter?: string | T.ImageSpec): Promise<T.Image[]>;
  /** Removes an image; idempotent. */
  removeImage(image: string | T.ImageSpec): Promise<void>;
  imageFsInfo(): Promise<T.ImageFsInfoResponse>;
}

/** A whole CRI runtime. */
export type Cri = RuntimeService & ImageService;
