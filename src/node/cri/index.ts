/** The CRI client for the node agent: see docs/node-runtime.md. */
export { CriClient, grpcTarget, nanosToDate } from './client.ts';
export type { CriClientOptions } from './client.ts';
export { CriError, isNotFound, toCriError } from './errors.ts';
export type { CriErrorCode } from './errors.ts';
export type { Cri, ImageService, RuntimeService } from './service.ts';
export type * from './types.ts';
