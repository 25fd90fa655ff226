/**
 * The CRI messages as Berth's CRI client takes and returns them: field names exactly as on the wire
 * (snake_case), enums by name ('CONTAINER_RUNNING'), 64-bit integers as decimal strings in answers
 * (nanosecond timestamps do not fit a JS number) and as number | string in requests, bytes as
 * Buffer, maps as plain objects. In answers every scalar field is present (its default when the
 * runtime left it out) and an absent sub-message is null. Request fields not listed are unset.
 */

/** A 64-bit integer in a request: a safe integer or a decimal string. */
export type Int64 = number | string;
export type StringMap = Record<string, string>;

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';
export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type ContainerState =
  'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
export type MountPropagation =
  'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';
export type ProfileType = 'RuntimeDefault' | 'Unconfined' | 'Localhost';

// ---- runtime

export interface VersionResponse {
  version: string;
  runtime_name: string;
  runtime_version: string;
  runtime_api_version: string;
}

export interface RuntimeCondition {
  /** RuntimeReady or NetworkReady. */
  type: string;
  status: boolean;
  reason: string;
  message: string;
}

export interface StatusResponse {
  status: { conditions: RuntimeCondition[] } | null;
  info: StringMap;
}

// ---- requests: sandbox and container configuration

export interface NamespaceOption {
  network?: NamespaceMode;
  pid?: NamespaceMode;
  ipc?: NamespaceMode;
  target_id?: string;
}

export interface SecurityProfile {
  profile_type?: ProfileType;
  localhost_ref?: string;
}

export interface PodSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt?: number;
}

export interface DNSConfig {
  servers?: string[];
  searches?: string[];
  options?: string[];
}

export interface PortMapping {
  protocol?: Protocol;
  container_port?: number;
  host_port?: number;
  host_ip?: string;
}

export interface LinuxContainerResources {
  cpu_period?: Int64;
  cpu_quota?: Int64;
  cpu_shares?: Int64;
  memory_limit_in_bytes?: Int64;
  oom_score_adj?: Int64;
  cpuset_cpus?: string;
  cpuset_mems?: string;
  unified?: StringMap;
  memory_swap_limit_in_bytes?: Int64;
}

export interface LinuxSandboxSecurityContext {
  namespace_options?: NamespaceOption;
  run_as_user?: { value: Int64 };
  run_as_group?: { value: Int64 };
  readonly_rootfs?: boolean;
  supplemental_groups?: Int64[];
  privileged?: boolean;
  seccomp?: SecurityProfile;
  apparmor?: SecurityProfile;
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname?: string;
  /** Host directory of the pod's container logs; the caller creates it. */
  log_directory?: string;
  dns_config?: DNSConfig;
  port_mappings?: PortMapping[];
  labels?: StringMap;
  annotations?: StringMap;
  linux?: {
    /** cgroupfs path of the pod's parent cgroup, e.g. /berth/pod<uid>. */
    cgroup_parent?: string;
    security_context?: LinuxSandboxSecurityContext;
    sysctls?: StringMap;
    overhead?: LinuxContainerResources;
    resources?: LinuxContainerResources;
  };
}

export interface ImageSpec {
  image: string;
  annotations?: StringMap;
  user_specified_image?: string;
}

export interface Mount {
  container_path: string;
  host_path: string;
  readonly?: boolean;
  selinux_relabel?: boolean;
  propagation?: MountPropagation;
}

export interface Device {
  container_path: string;
  host_path: string;
  permissions?: string;
}

export interface LinuxContainerSecurityContext {
  capabilities?: {
    add_capabilities?: string[];
    drop_capabilities?: string[];
    add_ambient_capabilities?: string[];
  };
  privileged?: boolean;
  namespace_options?: NamespaceOption;
  run_as_user?: { value: Int64 };
  run_as_group?: { value: Int64 };
  run_as_username?: string;
  readonly_rootfs?: boolean;
  supplemental_groups?: Int64[];
  no_new_privs?: boolean;
  masked_paths?: string[];
  readonly_paths?: string[];
  seccomp?: SecurityProfile;
  apparmor?: SecurityProfile;
}

export interface ContainerConfig {
  metadata: { name: string; attempt?: number };
  image: ImageSpec;
  /** Replaces the image's Entrypoint when set. */
  command?: string[];
  /** Replaces the image's Cmd when set. */
  args?: string[];
  working_dir?: string;
  envs?: Array<{ key: string; value: string }>;
  mounts?: Mount[];
  devices?: Device[];
  labels?: StringMap;
  annotations?: StringMap;
  /** Log file path relative to the sandbox's log_directory, e.g. `web/0.log`. */
  log_path?: string;
  stdin?: boolean;
  stdin_once?: boolean;
  tty?: boolean;
  linux?: { resources?: LinuxContainerResources; security_context?: LinuxContainerSecurityContext };
}

export interface PodSandboxFilter {
  id?: string;
  state?: { state: PodSandboxState };
  label_selector?: StringMap;
}

export interface ContainerFilter {
  id?: string;
  state?: { state: ContainerState };
  pod_sandbox_id?: string;
  label_selector?: StringMap;
}

export interface ContainerStatsFilter {
  id?: string;
  pod_sandbox_id?: string;
  label_selector?: StringMap;
}

export interface ExecRequest {
  container_id: string;
  cmd: string[];
  tty?: boolean;
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
}

export interface AttachRequest {
  container_id: string;
  stdin?: boolean;
  tty?: boolean;
  stdout?: boolean;
  stderr?: boolean;
}

// ---- answers: sandboxes and containers

export interface PodSandboxMetadataStatus {
  name: string;
  uid: string;
  namespace: string;
  attempt: number;
}

export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadataStatus | null;
  state: PodSandboxState;
  /** Nanoseconds since the epoch, as a decimal string. */
  created_at: string;
  network: { ip: string; additional_ips: Array<{ ip: string }> } | null;
  linux: { namespaces: { options: Required<NamespaceOption> | null } | null } | null;
  labels: StringMap;
  annotations: StringMap;
  runtime_handler: string;
}

export interface PodSandboxStatusResponse {
  status: PodSandboxStatus | null;
  /** Only when asked verbose: runtime-specific JSON strings (containerd: "info"). */
  info: StringMap;
}

export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadataStatus | null;
  state: PodSandboxState;
  created_at: string;
  labels: StringMap;
  annotations: StringMap;
  runtime_handler: string;
}

export interface ImageSpecStatus {
  image: string;
  annotations: StringMap;
  user_specified_image: string;
}

export interface Container {
  id: string;
  pod_sandbox_id: string;
  metadata: { name: string; attempt: number } | null;
  image: ImageSpecStatus | null;
  image_ref: string;
  state: ContainerState;
  created_at: string;
  labels: StringMap;
  annotations: StringMap;
}

export interface ContainerStatus {
  id: string;
  metadata: { name: string; attempt: number } | null;
  state: ContainerState;
  /** Nanosecond timestamps as decimal strings; "0" when not reached yet. */
  created_at: string;
  started_at: string;
  finished_at: string;
  exit_code: number;
  image: ImageSpecStatus | null;
  image_ref: string;
  /** CamelCase reason when exited: Completed, Error, OOMKilled, … */
  reason: string;
  message: string;
  labels: StringMap;
  annotations: StringMap;
  mounts: Array<Required<Mount>>;
  /** Absolute path of the container's CRI log file. */
  log_path: string;
  resources: { linux: LinuxContainerResourcesStatus | null } | null;
}

export type LinuxContainerResourcesStatus = { [K in keyof LinuxContainerResources]-?: string } & {
  cpuset_cpus: string;
  cpuset_mems: string;
  unified: StringMap;
};

export interface ContainerStatusResponse {
  status: ContainerStatus | null;
  info: StringMap;
}

export interface ExecSyncResponse {
  stdout: Buffer;
  stderr: Buffer;
  exit_code: number;
}

// ---- answers: stats

/** A wrapped unsigned 64-bit value; null when the runtime has no figure. */
export type UInt64Value = { value: string } | null;

export interface FilesystemUsage {
  timestamp: string;
  fs_id: { mountpoint: string } | null;
  used_bytes: UInt64Value;
  inodes_used: UInt64Value;
}

export interface ContainerStats {
  attributes: {
    id: string;
    metadata: { name: string; attempt: number } | null;
    labels: StringMap;
    annotations: StringMap;
  } | null;
  cpu: { timestamp: string; usage_core_nano_seconds: UInt64Value; usage_nano_cores: UInt64Value } | null;
  memory: {
    timestamp: string;
    working_set_bytes: UInt64Value;
    available_bytes: UInt64Value;
    usage_bytes: UInt64Value;
    rss_bytes: UInt64Value;
    page_faults: UInt64Value;
    major_page_faults: UInt64Value;
  } | null;
  writable_layer: FilesystemUsage | null;
}

// ---- images

/** Registry credentials for one pull (from a dockerconfigjson entry). */
export interface AuthConfig {
  username?: string;
  password?: string;
  /** base64("username:password"), as in a dockerconfigjson `auth` field. */
  auth?: string;
  server_address?: string;
  identity_token?: string;
  registry_token?: string;
}

export interface Image {
  /** The image ID (config digest for containerd). */
  id: string;
  repo_tags: string[];
  repo_digests: string[];
  /** Bytes, as a decimal string. */
  size: string;
  uid: { value: string } | null;
  username: string;
  spec: ImageSpecStatus | null;
  pinned: boolean;
}

export interface ImageFsInfoResponse {
  image_filesystems: FilesystemUsage[];
  container_filesystems: FilesystemUsage[];
}
