/** The node's container runtime (containerd) and its host setup: see docs/node-runtime.md. */
export { ContainerdSupervisor } from './supervisor.ts';
export type { ContainerdSupervisorOptions, SupervisorState } from './supervisor.ts';
export { startContainerRuntime } from './runtime.ts';
export type { ContainerRuntime, StartRuntimeOptions } from './runtime.ts';
export { renderContainerdConfig } from './config.ts';
export type { ContainerdConfigOptions } from './config.ts';
export { runtimePaths, MAX_SOCKET_PATH } from './paths.ts';
export type { RuntimePaths } from './paths.ts';
export {
  cidrContains,
  cniConflist,
  CNI_CONFLIST_FILE,
  DEFAULT_BRIDGE,
  DEFAULT_NETWORK,
  gatewayOf,
  parseCidr,
  writeCniConfig,
} from './cni-config.ts';
export type { CniConfigOptions } from './cni-config.ts';
export { writeRegistryHost } from './registry-hosts.ts';
export type { RegistryHostOptions } from './registry-hosts.ts';
export {
  assertRuntimeUsable,
  DEFAULT_CNI_BIN_DIR,
  findExecutable,
  INSTALL_HINT,
  runtimePreflightMessage,
  runtimeProblems,
} from './preflight.ts';
export type { PreflightOptions } from './preflight.ts';
export {
  cgroupRoots,
  deleteLink,
  linkExists,
  mountsUnder,
  removeCgroup,
  shimPids,
  unmountUnder,
} from './cleanup.ts';
