/** The agent's logs/exec/attach/port-forward endpoint: see docs/pod-streams.md. */
export { StreamServer, apiserverClientName } from './server.ts';
export type { StreamServerOptions } from './server.ts';
export { StreamsWorker, addressesOf } from './worker.ts';
export type { StreamsWorkerOptions } from './worker.ts';
export {
  ensureServingCert,
  servingCertPaths,
  servingCertUsable,
  kubeletServingSigner,
} from './serving-cert.ts';
export type { ServingCert, ServingCertOptions } from './serving-cert.ts';
export { LogRotator, rotatedName } from './log-rotation.ts';
export { readContainerLog } from './log-reader.ts';
export {
  parseCriLogLine,
  parseLogQuery,
  logLines,
  selectLines,
  LineJoiner,
  LineSplitter,
} from './cri-log.ts';
export type { CriLogEntry, LogLine, LogOptions } from './cri-log.ts';
