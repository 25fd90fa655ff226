/**
 * The CRI RPC table: each method Berth calls, its gRPC path, and its request/answer types as they
 * go over the wire (snake_case names, 64-bit integers as strings, enums as names, defaults filled
 * in), encoded and decoded by protobuf.ts with the field tables of messages.ts.
 */
import { decode, encode } from './protobuf.ts';
import type { MessageType } from './protobuf.ts';
import { criMessages } from './messages.ts';
import type * as T from './types.ts';

type Empty = Record<string, never>;

/** RuntimeService methods: [request, response]. */
export interface RuntimeRpcs {
  Version: [{ version: string }, T.VersionResponse];
  Status: [{ verbose?: boolean }, T.StatusResponse];
  RunPodSandbox: [{ config: T.PodSandboxConfig; runtime_handler?: string }, { pod_sandbox_id: string }];
  StopPodSandbox: [{ pod_sandbox_id: string }, Empty];
  RemovePodSandbox: [{ pod_sandbox_id: string }, Empty];
  PodSandboxStatus: [{ pod_sandbox_id: string; verbose?: boolean }, T.PodSandboxStatusResponse];
  ListPodSandbox: [{ filter?: T.PodSandboxFilter }, { items: T.PodSandbox[] }];
  CreateContainer: [
    { pod_sandbox_id: string; config: T.ContainerConfig; sandbox_config: T.PodSandboxConfig },
    { container_id: string },
  ];
  StartContainer: [{ container_id: string }, Empty];
  StopContainer: [{ container_id: string; timeout: T.Int64 }, Empty];
  RemoveContainer: [{ container_id: string }, Empty];
  ListContainers: [{ filter?: T.ContainerFilter }, { containers: T.Container[] }];
  ContainerStatus: [{ container_id: string; verbose?: boolean }, T.ContainerStatusResponse];
  UpdateContainerResources: [
    { container_id: string; linux?: T.LinuxContainerResources; annotations?: T.StringMap },
    Empty,
  ];
  ReopenContainerLog: [{ container_id: string }, Empty];
  ExecSync: [{ container_id: string; cmd: string[]; timeout?: T.Int64 }, T.ExecSyncResponse];
  Exec: [T.ExecRequest, { url: string }];
  Attach: [T.AttachRequest, { url: string }];
  PortForward: [{ pod_sandbox_id: string; port: number[] }, { url: string }];
  ContainerStats: [{ container_id: string }, { stats: T.ContainerStats | null }];
  ListContainerStats: [{ filter?: T.ContainerStatsFilter }, { stats: T.ContainerStats[] }];
  UpdateRuntimeConfig: [{ runtime_config: { network_config: { pod_cidr: string } } }, Empty];
}

/** ImageService methods: [request, response]. */
export interface ImageRpcs {
  ListImages: [{ filter?: { image?: T.ImageSpec } }, { images: T.Image[] }];
  ImageStatus: [{ image: T.ImageSpec; verbose?: boolean }, { image: T.Image | null; info: T.StringMap }];
  PullImage: [
    { image: T.ImageSpec; auth?: T.AuthConfig; sandbox_config?: T.PodSandboxConfig },
    { image_ref: string },
  ];
  RemoveImage: [{ image: T.ImageSpec }, Empty];
  ImageFsInfo: [Empty, T.ImageFsInfoResponse];
}

export type CriRpcs = RuntimeRpcs & ImageRpcs;
export type CriMethod = keyof CriRpcs;

/** How one method goes over the wire. */
export interface CriMethodDef<Req, Res> {
  /** `/runtime.v1.<Service>/<Method>`. */
  path: string;
  requestType: MessageType;
  responseType: MessageType;
  requestSerialize(req: Req): Buffer;
  responseDeserialize(buf: Buffer): Res;
}

export type CriMethods = { [K in CriMethod]: CriMethodDef<CriRpcs[K][0], CriRpcs[K][1]> };

let methods: CriMethods | undefined;

/** Every method's definition (built once per process from messages.ts). */
export function criMethods(): CriMethods {
  if (methods) return methods;
  const out: Record<string, CriMethodDef<object, unknown>> = {};
  for (const [name, [service, req, res]] of Object.entries(criMessages)) {
    out[name] = {
      path: `/runtime.v1.${service}/${name}`,
      requestType: req,
      responseType: res,
      requestSerialize: (value) => encode(req, value),
      responseDeserialize: (buf) => decode(res, buf),
    };
  }
  methods = out as unknown as CriMethods;
  return methods;
}
