/**
 * Failures of CRI calls as one typed error: which call, a stable code the agent can branch on
 * (NotFound to treat a vanished container as gone, Unavailable to wait for the runtime), and a
 * message that reads well in a pod's status or the agent's log.
 */
import { GrpcStatus as status } from './grpc.ts';

/** What a gRPC failure carries: a numeric status code and the server's message. */
interface ServiceError extends Error {
  code: number;
  details?: string;
}

export type CriErrorCode =
  | 'NotFound'
  | 'AlreadyExists'
  | 'InvalidArgument'
  | 'FailedPrecondition'
  | 'Unavailable'
  | 'DeadlineExceeded'
  | 'Unimplemented'
  | 'Canceled'
  | 'Unknown';

/** A CRI call failed; `message` is `CRI <Method>: <runtime's own words>`. */
export class CriError extends Error {
  readonly code: CriErrorCode;
  readonly method: string;
  /** The gRPC status code, when the failure came from gRPC. */
  readonly grpcCode: number | undefined;
  /** The runtime's message without the `CRI <Method>:` prefix. */
  readonly details: string;

  constructor(method: string, code: CriErrorCode, details: string, grpcCode?: number) {
    super(`CRI ${method}: ${details}`);
    this.name = 'CriError';
    this.method = method;
    this.code = code;
    this.details = details;
    this.grpcCode = grpcCode;
  }
}

const byGrpcCode: Partial<Record<number, CriErrorCode>> = {
  [status.NOT_FOUND]: 'NotFound',
  [status.ALREADY_EXISTS]: 'AlreadyExists',
  [status.INVALID_ARGUMENT]: 'InvalidArgument',
  [status.FAILED_PRECONDITION]: 'FailedPrecondition',
  [status.UNAVAILABLE]: 'Unavailable',
  [status.DEADLINE_EXCEEDED]: 'DeadlineExceeded',
  [status.UNIMPLEMENTED]: 'Unimplemented',
  [status.CANCELLED]: 'Canceled',
};

/** Turns whatever a call threw into a CriError naming the call and, when unreachable, the socket. */
export function toCriError(method: string, err: unknown, endpoint: string): CriError {
  if (err instanceof CriError) return err;
  if (isServiceError(err)) {
    const code = byGrpcCode[err.code] ?? 'Unknown';
    let details = err.details || err.message;
    if (code === 'Unavailable') details = `container runtime not reachable at ${endpoint}: ${details}`;
    if (code === 'Unimplemented') details = `${details} (does the runtime serve CRI runtime.v1?)`;
    return new CriError(method, code, details, err.code);
  }
  return new CriError(method, 'Unknown', err instanceof Error ? err.message : String(err));
}

/** True when `err` says the sandbox, container or image does not exist. */
export function isNotFound(err: unknown): boolean {
  return err instanceof CriError && err.code === 'NotFound';
}

function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number';
}
