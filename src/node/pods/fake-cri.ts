/**
 * An in-memory CRI runtime for unit tests of the pod sync loop: sandboxes and containers with
 * labels, attempts and states, every call recorded in `calls`. Containers run until told to exit
 * (`exit`), or exit at once when `onStart` says so (an init container that completes, a crash).
 * Timestamps come from the given clock so backoff tests can step time.
 */
import type { Clock } from '../../client/clock.ts';
import { CriError } from '../cri/errors.ts';
import type { Cri } from '../cri/service.ts';
import type * as T from '../cri/types.ts';

interface FakeSandbox {
  id: string;
  config: T.PodSandboxConfig;
  state: T.PodSandboxState;
  createdAt: number;
  ip: string;
}

interface FakeContainer {
  id: string;
  sandboxId: string;
  config: T.ContainerConfig;
  state: T.ContainerState;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
}

const ns = (ms: number): string => (ms ? (BigInt(ms) * 1_000_000n).toString() : '0');

function matches(labels: T.StringMap, sel: T.StringMap | undefined): boolean {
  return Object.entries(sel ?? {}).every(([k, v]) => labels[k] === v);
}

export class FakeCri implements Cri {
  readonly calls: string[] = [];
  readonly sandboxes = new Map<string, FakeSandbox>();
  readonly containers = new Map<string, FakeContainer>();
  readonly images = new Set<string>(['docker.io/library/busybox:1.35', 'busybox:1.35']);
  /** Exit code a container exits with as soon as it starts, or undefined to keep it running. */
  onStart: (c: T.ContainerConfig) => number | undefined = () => undefined;
  /** Errors to throw from PullImage, by image. */
  pullErrors = new Map<string, string>();
  /** PullImage calls with the credentials they carried. */
  readonly pulls: Array<{ image: string; auth?: T.AuthConfig }> = [];
  /** Sizes of images in bytes (default 1), for image GC tests. */
  readonly imageSizes = new Map<string, number>();
  private seq = 0;
  private readonly clock: Clock;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  private id(prefix: string): string {
    return `${prefix}${++this.seq}`;
  }

  /** Makes a running container exit with `code` (by id, or the newest container of that name). */
  exit(idOrName: string, code: number, reason = ''): void {
    const c = this.containers.get(idOrName) ?? this.newest(idOrName);
    if (!c || c.state !== 'CONTAINER_RUNNING') throw new Error(`no running container ${idOrName}`);
    c.state = 'CONTAINER_EXITED';
    c.exitCode = code;
    c.reason = reason;
    c.finishedAt = this.clock.now();
  }

  newest(name: string): FakeContainer | undefined {
    return [...this.containers.values()].filter((c) => c.config.metadata.name === name).pop();
  }

  /** Container names in creation order. */
  created(): string[] {
    return [...this.containers.values()].map(
      (c) => `${c.config.metadata.name}#${c.config.metadata.attempt ?? 0}`,
    );
  }

  async version(): Promise<T.VersionResponse> {
    return { version: '0.1.0', runtime_name: 'fake', runtime_version: '1', runtime_api_version: 'v1' };
  }
  async status(): Promise<T.StatusResponse> {
    return { status: { conditions: [] }, info: {} };
  }
  async runPodSandbox(config: T.PodSandboxConfig): Promise<string> {
    this.calls.push(`RunPodSandbox ${config.metadata.name}`);
    const id = this.id('sb');
    this.sandboxes.set(id, {
      id,
      config,
      state: 'SANDBOX_READY',
      createdAt: this.clock.now() + this.seq,
      ip: `10.1.0.${this.seq}`,
    });
    return id;
  }
  async stopPodSandbox(id: string): Promise<void> {
    this.calls.push(`StopPodSandbox ${id}`);
    const s = this.sandboxes.get(id);
    if (!s) return;
    s.state = 'SANDBOX_NOTREADY';
    for (const c of this.containers.values())
      if (c.sandboxId === id && c.state === 'CONTAINER_RUNNING') {
        c.state = 'CONTAINER_EXITED';
        c.exitCode = 137;
        c.finishedAt = this.clock.now();
      }
  }
  async removePodSandbox(id: string): Promise<void> {
    this.calls.push(`RemovePodSandbox ${id}`);
    this.sandboxes.delete(id);
    for (const c of [...this.containers.values()]) if (c.sandboxId === id) this.containers.delete(c.id);
  }
  async podSandboxStatus(id: string): Promise<T.PodSandboxStatusResponse> {
    const s = this.sandboxes.get(id);
    if (!s) throw new CriError('PodSandboxStatus', 'NotFound', `sandbox ${id} not found`);
    return {
      status: {
        id,
        metadata: { ...s.config.metadata, attempt: s.config.metadata.attempt ?? 0 },
        state: s.state,
        created_at: ns(s.createdAt),
        network: { ip: s.ip, additional_ips: [] },
        linux: null,
        labels: s.config.labels ?? {},
        annotations: s.config.annotations ?? {},
        runtime_handler: '',
      },
      info: {},
    };
  }
  async listPodSandbox(filter?: T.PodSandboxFilter): Promise<T.PodSandbox[]> {
    return [...this.sandboxes.values()]
      .filter((s) => matches(s.config.labels ?? {}, filter?.label_selector))
      .map((s) => ({
        id: s.id,
        metadata: { ...s.config.metadata, attempt: s.config.metadata.attempt ?? 0 },
        state: s.state,
        created_at: ns(s.createdAt),
        labels: s.config.labels ?? {},
        annotations: s.config.annotations ?? {},
        runtime_handler: '',
      }));
  }
  async createContainer(sandboxId: string, config: T.ContainerConfig): Promise<string> {
    if (!this.sandboxes.has(sandboxId))
      throw new CriError('CreateContainer', 'NotFound', `sandbox ${sandboxId} not found`);
    this.calls.push(`CreateContainer ${config.metadata.name}`);
    const id = this.id('c');
    this.containers.set(id, {
      id,
      sandboxId,
      config,
      state: 'CONTAINER_CREATED',
      createdAt: this.clock.now(),
      startedAt: 0,
      finishedAt: 0,
      exitCode: 0,
      reason: '',
    });
    return id;
  }
  async startContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) throw new CriError('StartContainer', 'NotFound', `container ${id} not found`);
    this.calls.push(`StartContainer ${c.config.metadata.name}`);
    c.state = 'CONTAINER_RUNNING';
    c.startedAt = this.clock.now();
    const code = this.onStart(c.config);
    if (code !== undefined) this.exit(id, code);
  }
  async stopContainer(id: string, timeout: number): Promise<void> {
    const c = this.containers.get(id);
    if (!c) throw new CriError('StopContainer', 'NotFound', `container ${id} not found`);
    this.calls.push(`StopContainer ${c.config.metadata.name} ${timeout}`);
    if (c.state === 'CONTAINER_RUNNING') this.exit(id, 137);
  }
  async removeContainer(id: string): Promise<void> {
    this.calls.push(`RemoveContainer ${id}`);
    this.containers.delete(id);
  }
  async listContainers(filter?: T.ContainerFilter): Promise<T.Container[]> {
    return [...this.containers.values()]
      .filter((c) => matches(c.config.labels ?? {}, filter?.label_selector))
      .filter((c) => !filter?.pod_sandbox_id || c.sandboxId === filter.pod_sandbox_id)
      .map((c) => ({
        id: c.id,
        pod_sandbox_id: c.sandboxId,
        metadata: { name: c.config.metadata.name, attempt: c.config.metadata.attempt ?? 0 },
        image: { image: c.config.image.image, annotations: {}, user_specified_image: '' },
        image_ref: `sha256:${c.config.image.image}`,
        state: c.state,
        created_at: ns(c.createdAt),
        labels: c.config.labels ?? {},
        annotations: c.config.annotations ?? {},
      }));
  }
  async containerStatus(id: string): Promise<T.ContainerStatusResponse> {
    const c = this.containers.get(id);
    if (!c) throw new CriError('ContainerStatus', 'NotFound', `container ${id} not found`);
    return {
      status: {
        id,
        metadata: { name: c.config.metadata.name, attempt: c.config.metadata.attempt ?? 0 },
        state: c.state,
        created_at: ns(c.createdAt),
        started_at: ns(c.startedAt),
        finished_at: ns(c.finishedAt),
        exit_code: c.exitCode,
        image: { image: c.config.image.image, annotations: {}, user_specified_image: '' },
        image_ref: `sha256:${c.config.image.image}`,
        reason:
          c.reason || (c.state === 'CONTAINER_EXITED' ? (c.exitCode === 0 ? 'Completed' : 'Error') : ''),
        message: '',
        labels: c.config.labels ?? {},
        annotations: c.config.annotations ?? {},
        mounts: [],
        log_path: '',
        resources: null,
      },
      info: {},
    };
  }
  async updateContainerResources(): Promise<void> {}
  async reopenContainerLog(): Promise<void> {}
  async execSync(): Promise<T.ExecSyncResponse> {
    return { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exit_code: 0 };
  }
  async exec(): Promise<string> {
    return 'http://fake/exec';
  }
  async attach(): Promise<string> {
    return 'http://fake/attach';
  }
  async portForward(): Promise<string> {
    return 'http://fake/portforward';
  }
  async containerStats(): Promise<T.ContainerStats | null> {
    return null;
  }
  async listContainerStats(): Promise<T.ContainerStats[]> {
    return [];
  }
  async updateRuntimeConfig(): Promise<void> {}
  async pullImage(image: string | T.ImageSpec, auth?: T.AuthConfig): Promise<string> {
    const ref = typeof image === 'string' ? image : image.image;
    this.calls.push(`PullImage ${ref}`);
    this.pulls.push(auth ? { image: ref, auth } : { image: ref });
    const err = this.pullErrors.get(ref);
    if (err) throw new CriError('PullImage', 'Unknown', err);
    this.images.add(ref);
    return `sha256:${ref}`;
  }
  async imageStatus(image: string | T.ImageSpec): Promise<T.Image | null> {
    const ref = typeof image === 'string' ? image : image.image;
    if (!this.images.has(ref)) return null;
    return {
      id: `sha256:${ref}`,
      repo_tags: [ref],
      repo_digests: [],
      size: String(this.imageSizes.get(ref) ?? 1),
      uid: null,
      username: '',
      spec: null,
      pinned: false,
    };
  }
  async listImages(): Promise<T.Image[]> {
    const out: T.Image[] = [];
    for (const ref of this.images) {
      const img = await this.imageStatus(ref);
      if (img) out.push(img);
    }
    return out;
  }
  async removeImage(image: string | T.ImageSpec): Promise<void> {
    const ref = typeof image === 'string' ? image : image.image;
    this.calls.push(`RemoveImage ${ref}`);
    for (const r of [...this.images]) if (r === ref || `sha256:${r}` === ref) this.images.delete(r);
  }
  async imageFsInfo(): Promise<T.ImageFsInfoResponse> {
    return { image_filesystems: [], container_filesystems: [] };
  }
}
