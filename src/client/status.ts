/**
 * Turning a failed API response back into the `StatusError` the server meant. The body is the
 * server's Status when it sent one; otherwise a Status is made up from the HTTP code so callers can
 * always branch on `code` and `reason`.
 */
import { StatusError, type Status, type StatusReason } from '../api/errors.ts';
import { isObject } from '../api/object.ts';

const reasonByCode: Record<number, StatusReason> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** A StatusError carrying exactly the given wire Status. */
export function statusErrorOf(status: Status): StatusError {
  const err = new StatusError(
    status.code,
    (status.reason ?? '') as StatusReason,
    status.message ?? '',
    status.details,
  );
  Object.assign(err.status, status);
  return err;
}

/** True for a value shaped like a wire Status. */
export function isStatus(v: unknown): v is Status {
  return isObject(v) && v.kind === 'Status' && typeof v.code === 'number';
}

/** The StatusError for a failed response with HTTP `code` and raw `body`. */
export function statusErrorFromResponse(code: number, body: Buffer, what: string): StatusError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (isStatus(parsed)) {
    if (parsed.code === 0) parsed.code = code;
    return statusErrorOf(parsed);
  }
  const text = body.toString('utf8').trim().slice(0, 500);
  const reason = reasonByCode[code] ?? (code >= 500 ? 'InternalError' : 'BadRequest');
  return new StatusError(code, reason, `${what}: HTTP ${code}${text ? `: ${text}` : ''}`);
}

/** True for 410 Expired/Gone: the resourceVersion asked for has been compacted away. */
export function isExpired(err: unknown): boolean {
  return (
    err instanceof StatusError && (err.code === 410 || err.reason === 'Expired' || err.reason === 'Gone')
  );
}

export const isNotFound = (err: unknown): boolean => err instanceof StatusError && err.code === 404;
export const isConflict = (err: unknown): boolean =>
  err instanceof StatusError && err.code === 409 && err.reason !== 'AlreadyExists';
export const isAlreadyExists = (err: unknown): boolean =>
  err instanceof StatusError && err.reason === 'AlreadyExists';
