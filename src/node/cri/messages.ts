/**
 * Field tables of the CRI (runtime.v1) messages Berth sends and reads, for protobuf.ts. Numbers
 * are the CRI's own (k8s.io/cri-api api.proto); only fields Berth sets or reads are listed —
 * a runtime's other fields are skipped on decode. proto/cri.proto declares the same subset and the
 * tests check these tables against it byte for byte.
 */
import { message, protoEnum } from './protobuf.ts';
import type { MessageType } from './protobuf.ts';

const Protocol = protoEnum('Protocol', ['TCP', 'UDP', 'SCTP']);
const NamespaceMode = protoEnum('NamespaceMode', ['POD', 'CONTAINER', 'NODE', 'TARGET']);
const ProfileType = protoEnum('ProfileType', ['RuntimeDefault', 'Unconfined', 'Localhost']);
const PodSandboxState = protoEnum('PodSandboxState', ['SANDBOX_READY', 'SANDBOX_NOTREADY']);
const ContainerState = protoEnum('ContainerState', [
  'CONTAINER_CREATED',
  'CONTAINER_RUNNING',
  'CONTAINER_EXITED',
  'CONTAINER_UNKNOWN',
]);
const MountPropagation = protoEnum('MountPropagation', [
  'PROPAGATION_PRIVATE',
  'PROPAGATION_HOST_TO_CONTAINER',
  'PROPAGATION_BIDIRECTIONAL',
]);

const R = 'repeated';
const empty = (name: string): MessageType => message(name, []);

// ---- shared small types

const Int64Value = message('Int64Value', [[1, 'value', 'int64']]);
const UInt64Value = message('UInt64Value', [[1, 'value', 'uint64']]);
const KeyValue = message('KeyValue', [
  [1, 'key', 'string'],
  [2, 'value', 'string'],
]);
const NamespaceOption = message('NamespaceOption', [
  [1, 'network', NamespaceMode],
  [2, 'pid', NamespaceMode],
  [3, 'ipc', NamespaceMode],
  [4, 'target_id', 'string'],
]);
const SecurityProfile = message('SecurityProfile', [
  [1, 'profile_type', ProfileType],
  [2, 'localhost_ref', 'string'],
]);
const ImageSpec = message('ImageSpec', [
  [1, 'image', 'string'],
  [2, 'annotations', 'map'],
  [18, 'user_specified_image', 'string'],
]);
const LinuxContainerResources = message('LinuxContainerResources', [
  [1, 'cpu_period', 'int64'],
  [2, 'cpu_quota', 'int64'],
  [3, 'cpu_shares', 'int64'],
  [4, 'memory_limit_in_bytes', 'int64'],
  [5, 'oom_score_adj', 'int64'],
  [6, 'cpuset_cpus', 'string'],
  [7, 'cpuset_mems', 'string'],
  [9, 'unified', 'map'],
  [10, 'memory_swap_limit_in_bytes', 'int64'],
]);
const ContainerMetadata = message('ContainerMetadata', [
  [1, 'name', 'string'],
  [2, 'attempt', 'uint32'],
]);
const PodSandboxMetadata = message('PodSandboxMetadata', [
  [1, 'name', 'string'],
  [2, 'uid', 'string'],
  [3, 'namespace', 'string'],
  [4, 'attempt', 'uint32'],
]);
const Mount = message('Mount', [
  [1, 'container_path', 'string'],
  [2, 'host_path', 'string'],
  [3, 'readonly', 'bool'],
  [4, 'selinux_relabel', 'bool'],
  [5, 'propagation', MountPropagation],
]);

// ---- runtime identity and health

const VersionRequest = message('VersionRequest', [[1, 'version', 'string']]);
const VersionResponse = message('VersionResponse', [
  [1, 'version', 'string'],
  [2, 'runtime_name', 'string'],
  [3, 'runtime_version', 'string'],
  [4, 'runtime_api_version', 'string'],
]);
const StatusRequest = message('StatusRequest', [[1, 'verbose', 'bool']]);
const RuntimeCondition = message('RuntimeCondition', [
  [1, 'type', 'string'],
  [2, 'status', 'bool'],
  [3, 'reason', 'string'],
  [4, 'message', 'string'],
]);
const RuntimeStatus = message('RuntimeStatus', [[1, 'conditions', RuntimeCondition, R]]);
const StatusResponse = message('StatusResponse', [
  [1, 'status', RuntimeStatus],
  [2, 'info', 'map'],
]);
const NetworkConfig = message('NetworkConfig', [[1, 'pod_cidr', 'string']]);
const RuntimeConfig = message('RuntimeConfig', [[1, 'network_config', NetworkConfig]]);
const UpdateRuntimeConfigRequest = message('UpdateRuntimeConfigRequest', [
  [1, 'runtime_config', RuntimeConfig],
]);

// ---- pod sandboxes

const DNSConfig = message('DNSConfig', [
  [1, 'servers', 'string', R],
  [2, 'searches', 'string', R],
  [3, 'options', 'string', R],
]);
const PortMapping = message('PortMapping', [
  [1, 'protocol', Protocol],
  [2, 'container_port', 'int32'],
  [3, 'host_port', 'int32'],
  [4, 'host_ip', 'string'],
]);
const LinuxSandboxSecurityContext = message('LinuxSandboxSecurityContext', [
  [1, 'namespace_options', NamespaceOption],
  [3, 'run_as_user', Int64Value],
  [4, 'readonly_rootfs', 'bool'],
  [5, 'supplemental_groups', 'int64', R],
  [6, 'privileged', 'bool'],
  [8, 'run_as_group', Int64Value],
  [9, 'seccomp', SecurityProfile],
  [10, 'apparmor', SecurityProfile],
]);
const LinuxPodSandboxConfig = message('LinuxPodSandboxConfig', [
  [1, 'cgroup_parent', 'string'],
  [2, 'security_context', LinuxSandboxSecurityContext],
  [3, 'sysctls', 'map'],
  [4, 'overhead', LinuxContainerResources],
  [5, 'resources', LinuxContainerResources],
]);
const PodSandboxConfig = message('PodSandboxConfig', [
  [1, 'metadata', PodSandboxMetadata],
  [2, 'hostname', 'string'],
  [3, 'log_directory', 'string'],
  [4, 'dns_config', DNSConfig],
  [5, 'port_mappings', PortMapping, R],
  [6, 'labels', 'map'],
  [7, 'annotations', 'map'],
  [8, 'linux', LinuxPodSandboxConfig],
]);
const RunPodSandboxRequest = message('RunPodSandboxRequest', [
  [1, 'config', PodSandboxConfig],
  [2, 'runtime_handler', 'string'],
]);
const RunPodSandboxResponse = message('RunPodSandboxResponse', [[1, 'pod_sandbox_id', 'string']]);
const PodSandboxIdRequest = message('PodSandboxIdRequest', [[1, 'pod_sandbox_id', 'string']]);
const PodSandboxStatusRequest = message('PodSandboxStatusRequest', [
  [1, 'pod_sandbox_id', 'string'],
  [2, 'verbose', 'bool'],
]);
const PodIP = message('PodIP', [[1, 'ip', 'string']]);
const PodSandboxNetworkStatus = message('PodSandboxNetworkStatus', [
  [1, 'ip', 'string'],
  [2, 'additional_ips', PodIP, R],
]);
const Namespace = message('Namespace', [[2, 'options', NamespaceOption]]);
const LinuxPodSandboxStatus = message('LinuxPodSandboxStatus', [[1, 'namespaces', Namespace]]);
const PodSandboxStatus = message('PodSandboxStatus', [
  [1, 'id', 'string'],
  [2, 'metadata', PodSandboxMetadata],
  [3, 'state', PodSandboxState],
  [4, 'created_at', 'int64'],
  [5, 'network', PodSandboxNetworkStatus],
  [6, 'linux', LinuxPodSandboxStatus],
  [7, 'labels', 'map'],
  [8, 'annotations', 'map'],
  [9, 'runtime_handler', 'string'],
]);
const PodSandboxStatusResponse = message('PodSandboxStatusResponse', [
  [1, 'status', PodSandboxStatus],
  [2, 'info', 'map'],
]);
const PodSandboxStateValue = message('PodSandboxStateValue', [[1, 'state', PodSandboxState]]);
const PodSandboxFilter = message('PodSandboxFilter', [
  [1, 'id', 'string'],
  [2, 'state', PodSandboxStateValue],
  [3, 'label_selector', 'map'],
]);
const ListPodSandboxRequest = message('ListPodSandboxRequest', [[1, 'filter', PodSandboxFilter]]);
const PodSandbox = message('PodSandbox', [
  [1, 'id', 'string'],
  [2, 'metadata', PodSandboxMetadata],
  [3, 'state', PodSandboxState],
  [4, 'created_at', 'int64'],
  [5, 'labels', 'map'],
  [6, 'annotations', 'map'],
  [7, 'runtime_handler', 'string'],
]);
const ListPodSandboxResponse = message('ListPodSandboxResponse', [[1, 'items', PodSandbox, R]]);

// ---- containers

const Device = message('Device', [
  [1, 'container_path', 'string'],
  [2, 'host_path', 'string'],
  [3, 'permissions', 'string'],
]);
const Capability = message('Capability', [
  [1, 'add_capabilities', 'string', R],
  [2, 'drop_capabilities', 'string', R],
  [3, 'add_ambient_capabilities', 'string', R],
]);
const LinuxContainerSecurityContext = message('LinuxContainerSecurityContext', [
  [1, 'capabilities', Capability],
  [2, 'privileged', 'bool'],
  [3, 'namespace_options', NamespaceOption],
  [5, 'run_as_user', Int64Value],
  [6, 'run_as_username', 'string'],
  [7, 'readonly_rootfs', 'bool'],
  [8, 'supplemental_groups', 'int64', R],
  [11, 'no_new_privs', 'bool'],
  [12, 'run_as_group', Int64Value],
  [13, 'masked_paths', 'string', R],
  [14, 'readonly_paths', 'string', R],
  [15, 'seccomp', SecurityProfile],
  [16, 'apparmor', SecurityProfile],
]);
const LinuxContainerConfig = message('LinuxContainerConfig', [
  [1, 'resources', LinuxContainerResources],
  [2, 'security_context', LinuxContainerSecurityContext],
]);
const ContainerConfig = message('ContainerConfig', [
  [1, 'metadata', ContainerMetadata],
  [2, 'image', ImageSpec],
  [3, 'command', 'string', R],
  [4, 'args', 'string', R],
  [5, 'working_dir', 'string'],
  [6, 'envs', KeyValue, R],
  [7, 'mounts', Mount, R],
  [8, 'devices', Device, R],
  [9, 'labels', 'map'],
  [10, 'annotations', 'map'],
  [11, 'log_path', 'string'],
  [12, 'stdin', 'bool'],
  [13, 'stdin_once', 'bool'],
  [14, 'tty', 'bool'],
  [15, 'linux', LinuxContainerConfig],
]);
const CreateContainerRequest = message('CreateContainerRequest', [
  [1, 'pod_sandbox_id', 'string'],
  [2, 'config', ContainerConfig],
  [3, 'sandbox_config', PodSandboxConfig],
]);
const ContainerIdRequest = message('ContainerIdRequest', [[1, 'container_id', 'string']]);
const CreateContainerResponse = ContainerIdRequest;
const StopContainerRequest = message('StopContainerRequest', [
  [1, 'container_id', 'string'],
  [2, 'timeout', 'int64'],
]);
const ContainerStateValue = message('ContainerStateValue', [[1, 'state', ContainerState]]);
const ContainerFilter = message('ContainerFilter', [
  [1, 'id', 'string'],
  [2, 'state', ContainerStateValue],
  [3, 'pod_sandbox_id', 'string'],
  [4, 'label_selector', 'map'],
]);
const ListContainersRequest = message('ListContainersRequest', [[1, 'filter', ContainerFilter]]);
const Container = message('Container', [
  [1, 'id', 'string'],
  [2, 'pod_sandbox_id', 'string'],
  [3, 'metadata', ContainerMetadata],
  [4, 'image', ImageSpec],
  [5, 'image_ref', 'string'],
  [6, 'state', ContainerState],
  [7, 'created_at', 'int64'],
  [8, 'labels', 'map'],
  [9, 'annotations', 'map'],
]);
const ListContainersResponse = message('ListContainersResponse', [[1, 'containers', Container, R]]);
const ContainerStatusRequest = message('ContainerStatusRequest', [
  [1, 'container_id', 'string'],
  [2, 'verbose', 'bool'],
]);
const ContainerResources = message('ContainerResources', [[1, 'linux', LinuxContainerResources]]);
const ContainerStatus = message('ContainerStatus', [
  [1, 'id', 'string'],
  [2, 'metadata', ContainerMetadata],
  [3, 'state', ContainerState],
  [4, 'created_at', 'int64'],
  [5, 'started_at', 'int64'],
  [6, 'finished_at', 'int64'],
  [7, 'exit_code', 'int32'],
  [8, 'image', ImageSpec],
  [9, 'image_ref', 'string'],
  [10, 'reason', 'string'],
  [11, 'message', 'string'],
  [12, 'labels', 'map'],
  [13, 'annotations', 'map'],
  [14, 'mounts', Mount, R],
  [15, 'log_path', 'string'],
  [16, 'resources', ContainerResources],
]);
const ContainerStatusResponse = message('ContainerStatusResponse', [
  [1, 'status', ContainerStatus],
  [2, 'info', 'map'],
]);
const UpdateContainerResourcesRequest = message('UpdateContainerResourcesRequest', [
  [1, 'container_id', 'string'],
  [2, 'linux', LinuxContainerResources],
  [4, 'annotations', 'map'],
]);

// ---- exec, attach, port-forward

const ExecSyncRequest = message('ExecSyncRequest', [
  [1, 'container_id', 'string'],
  [2, 'cmd', 'string', R],
  [3, 'timeout', 'int64'],
]);
const ExecSyncResponse = message('ExecSyncResponse', [
  [1, 'stdout', 'bytes'],
  [2, 'stderr', 'bytes'],
  [3, 'exit_code', 'int32'],
]);
const ExecRequest = message('ExecRequest', [
  [1, 'container_id', 'string'],
  [2, 'cmd', 'string', R],
  [3, 'tty', 'bool'],
  [4, 'stdin', 'bool'],
  [5, 'stdout', 'bool'],
  [6, 'stderr', 'bool'],
]);
const AttachRequest = message('AttachRequest', [
  [1, 'container_id', 'string'],
  [2, 'stdin', 'bool'],
  [3, 'tty', 'bool'],
  [4, 'stdout', 'bool'],
  [5, 'stderr', 'bool'],
]);
const PortForwardRequest = message('PortForwardRequest', [
  [1, 'pod_sandbox_id', 'string'],
  [2, 'port', 'int32', R],
]);
const UrlResponse = message('UrlResponse', [[1, 'url', 'string']]);

// ---- stats

const FilesystemIdentifier = message('FilesystemIdentifier', [[1, 'mountpoint', 'string']]);
const FilesystemUsage = message('FilesystemUsage', [
  [1, 'timestamp', 'int64'],
  [2, 'fs_id', FilesystemIdentifier],
  [3, 'used_bytes', UInt64Value],
  [4, 'inodes_used', UInt64Value],
]);
const CpuUsage = message('CpuUsage', [
  [1, 'timestamp', 'int64'],
  [2, 'usage_core_nano_seconds', UInt64Value],
  [3, 'usage_nano_cores', UInt64Value],
]);
const MemoryUsage = message('MemoryUsage', [
  [1, 'timestamp', 'int64'],
  [2, 'working_set_bytes', UInt64Value],
  [3, 'available_bytes', UInt64Value],
  [4, 'usage_bytes', UInt64Value],
  [5, 'rss_bytes', UInt64Value],
  [6, 'page_faults', UInt64Value],
  [7, 'major_page_faults', UInt64Value],
]);
const ContainerAttributes = message('ContainerAttributes', [
  [1, 'id', 'string'],
  [2, 'metadata', ContainerMetadata],
  [3, 'labels', 'map'],
  [4, 'annotations', 'map'],
]);
const ContainerStats = message('ContainerStats', [
  [1, 'attributes', ContainerAttributes],
  [2, 'cpu', CpuUsage],
  [3, 'memory', MemoryUsage],
  [4, 'writable_layer', FilesystemUsage],
]);
const ContainerStatsResponse = message('ContainerStatsResponse', [[1, 'stats', ContainerStats]]);
const ContainerStatsFilter = message('ContainerStatsFilter', [
  [1, 'id', 'string'],
  [2, 'pod_sandbox_id', 'string'],
  [3, 'label_selector', 'map'],
]);
const ListContainerStatsRequest = message('ListContainerStatsRequest', [[1, 'filter', ContainerStatsFilter]]);
const ListContainerStatsResponse = message('ListContainerStatsResponse', [[1, 'stats', ContainerStats, R]]);

// ---- images

const ImageFilter = message('ImageFilter', [[1, 'image', ImageSpec]]);
const ListImagesRequest = message('ListImagesRequest', [[1, 'filter', ImageFilter]]);
const Image = message('Image', [
  [1, 'id', 'string'],
  [2, 'repo_tags', 'string', R],
  [3, 'repo_digests', 'string', R],
  [4, 'size', 'uint64'],
  [5, 'uid', Int64Value],
  [6, 'username', 'string'],
  [7, 'spec', ImageSpec],
  [8, 'pinned', 'bool'],
]);
const ListImagesResponse = message('ListImagesResponse', [[1, 'images', Image, R]]);
const ImageStatusRequest = message('ImageStatusRequest', [
  [1, 'image', ImageSpec],
  [2, 'verbose', 'bool'],
]);
const ImageStatusResponse = message('ImageStatusResponse', [
  [1, 'image', Image],
  [2, 'info', 'map'],
]);
const AuthConfig = message('AuthConfig', [
  [1, 'username', 'string'],
  [2, 'password', 'string'],
  [3, 'auth', 'string'],
  [4, 'server_address', 'string'],
  [5, 'identity_token', 'string'],
  [6, 'registry_token', 'string'],
]);
const PullImageRequest = message('PullImageRequest', [
  [1, 'image', ImageSpec],
  [2, 'auth', AuthConfig],
  [3, 'sandbox_config', PodSandboxConfig],
]);
const PullImageResponse = message('PullImageResponse', [[1, 'image_ref', 'string']]);
const RemoveImageRequest = message('RemoveImageRequest', [[1, 'image', ImageSpec]]);
const ImageFsInfoResponse = message('ImageFsInfoResponse', [
  [1, 'image_filesystems', FilesystemUsage, R],
  [2, 'container_filesystems', FilesystemUsage, R],
]);

const Empty = empty('Empty');

/** Each CRI method Berth calls: its service and its request and response tables. */
export const criMessages = {
  Version: ['RuntimeService', VersionRequest, VersionResponse],
  Status: ['RuntimeService', StatusRequest, StatusResponse],
  RunPodSandbox: ['RuntimeService', RunPodSandboxRequest, RunPodSandboxResponse],
  StopPodSandbox: ['RuntimeService', PodSandboxIdRequest, Empty],
  RemovePodSandbox: ['RuntimeService', PodSandboxIdRequest, Empty],
  PodSandboxStatus: ['RuntimeService', PodSandboxStatusRequest, PodSandboxStatusResponse],
  ListPodSandbox: ['RuntimeService', ListPodSandboxRequest, ListPodSandboxResponse],
  CreateContainer: ['RuntimeService', CreateContainerRequest, CreateContainerResponse],
  StartContainer: ['RuntimeService', ContainerIdRequest, Empty],
  StopContainer: ['RuntimeService', StopContainerRequest, Empty],
  RemoveContainer: ['RuntimeService', ContainerIdRequest, Empty],
  ListContainers: ['RuntimeService', ListContainersRequest, ListContainersResponse],
  ContainerStatus: ['RuntimeService', ContainerStatusRequest, ContainerStatusResponse],
  UpdateContainerResources: ['RuntimeService', UpdateContainerResourcesRequest, Empty],
  ReopenContainerLog: ['RuntimeService', ContainerIdRequest, Empty],
  ExecSync: ['RuntimeService', ExecSyncRequest, ExecSyncResponse],
  Exec: ['RuntimeService', ExecRequest, UrlResponse],
  Attach: ['RuntimeService', AttachRequest, UrlResponse],
  PortForward: ['RuntimeService', PortForwardRequest, UrlResponse],
  ContainerStats: ['RuntimeService', ContainerIdRequest, ContainerStatsResponse],
  ListContainerStats: ['RuntimeService', ListContainerStatsRequest, ListContainerStatsResponse],
  UpdateRuntimeConfig: ['RuntimeService', UpdateRuntimeConfigRequest, Empty],
  ListImages: ['ImageService', ListImagesRequest, ListImagesResponse],
  ImageStatus: ['ImageService', ImageStatusRequest, ImageStatusResponse],
  PullImage: ['ImageService', PullImageRequest, PullImageResponse],
  RemoveImage: ['ImageService', RemoveImageRequest, Empty],
  ImageFsInfo: ['ImageService', Empty, ImageFsInfoResponse],
} as const satisfies Record<string, readonly ['RuntimeService' | 'ImageService', MessageType, MessageType]>;
