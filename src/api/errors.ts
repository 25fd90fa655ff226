/**
 * The one error shape of the API: a Kubernetes `Status`. Code inside Berth throws `StatusError`;
 * the API server writes its `status` as the response body. Validation returns `FieldError`s, which
 * `invalid()` turns into a 422 with one cause per field, the way kubectl prints them.
 */

/** Field error types, worded as Kubernetes' field.ErrorType values so messages read the same. */
export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueNotFound'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTypeInvalid'
  | 'InternalError';

/** One problem with one field: `field` is a dotted path such as `spec.template.spec.containers[0].image`. */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  message: string;
}

const describe: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueNotFound: 'Not found',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueTypeInvalid: 'Invalid value',
  InternalError: 'Internal error',
};

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'null';
  return JSON.stringify(value);
}

/** Builders for field errors; messages follow Kubernetes' `field: Type: detail` wording. */
export const fieldError = {
  required: (field: string, detail = ''): FieldError => ({
    type: 'FieldValueRequired',
    field,
    message: detail ? `${describe.FieldValueRequired}: ${detail}` : describe.FieldValueRequired,
  }),
  notFound: (field: string, value: unknown): FieldError => ({
    type: 'FieldValueNotFound',
    field,
    message: `${describe.FieldValueNotFound}: ${show(value)}`,
  }),
  invalid: (field: string, value: unknown, detail: string): FieldError => ({
    type: 'FieldValueInvalid',
    field,
    message: `${describe.FieldValueInvalid}: ${show(value)}: ${detail}`,
  }),
  notSupported: (field: string, value: unknown, supported: readonly string[]): FieldError => ({
    type: 'FieldValueNotSupported',
    field,
    message: `${describe.FieldValueNotSupported}: ${show(value)}: supported values: ${supported.map((s) => `"${s}"`).join(', ')}`,
  }),
  duplicate: (field: string, value: unknown): FieldError => ({
    type: 'FieldValueDuplicate',
    field,
    message: `${describe.FieldValueDuplicate}: ${show(value)}`,
  }),
  forbidden: (field: string, detail: string): FieldError => ({
    type: 'FieldValueForbidden',
    field,
    message: `${describe.FieldValueForbidden}: ${detail}`,
  }),
  tooLong: (field: string, max: number): FieldError => ({
    type: 'FieldValueTooLong',
    field,
    message: `${describe.FieldValueTooLong}: may not be more than ${max} bytes`,
  }),
  tooMany: (field: string, actual: number, max: number): FieldError => ({
    type: 'FieldValueTooMany',
    field,
    message: `${describe.FieldValueTooMany}: ${actual}: must have at most ${max} items`,
  }),
  typeInvalid: (field: string, value: unknown, detail: string): FieldError => ({
    type: 'FieldValueTypeInvalid',
    field,
    message: `${describe.FieldValueTypeInvalid}: ${show(value)}: ${detail}`,
  }),
};

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Invalid'
  | 'ServerTimeout'
  | 'Timeout'
  | 'TooManyRequests'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'InternalError'
  | 'Expired'
  | 'ServiceUnavailable';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** The `Status` object as it travels on the wire. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: StatusReason | string;
  details?: StatusDetails;
  code: number;
}

/** An error that carries the Status the client should see. */
export class StatusError extends Error {
  readonly status: Status;
  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'StatusError';
    this.status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      code,
    };
    if (details) this.status.details = details;
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string {
    return this.status.reason ?? '';
  }
}

/** "deployments.apps" style qualified resource, as Kubernetes names it in messages. */
export function qualifiedResource(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

export const notFound = (resource: string, group: string, name: string): StatusError =>
  new StatusError(404, 'NotFound', `${qualifiedResource(resource, group)} "${name}" not found`, {
    name,
    group: group || undefined,
    kind: resource,
  });

export const alreadyExists = (resource: string, group: string, name: string): StatusError =>
  new StatusError(409, 'AlreadyExists', `${qualifiedResource(resource, group)} "${name}" already exists`, {
    name,
    group: group || undefined,
    kind: resource,
  });

/** A stale write: the object changed since the client read it. */
export const conflict = (resource: string, group: string, name: string, why: string): StatusError =>
  new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(resource, group)} "${name}": ${why}`,
    { name, group: group || undefined, kind: resource },
  );

export const conflictModified = (resource: string, group: string, name: string): StatusError =>
  conflict(
    resource,
    group,
    name,
    'the object has been modified; please apply your changes to the latest version and try again',
  );

/** 422 Invalid with one cause per field error; the message lists them as kubectl shows it. */
export function invalid(kind: string, group: string, name: string, errors: FieldError[]): StatusError {
  const list = errors.map((e) => `${e.field}: ${e.message}`);
  const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new StatusError(
    422,
    'Invalid',
    `${kind}${group ? '.' + group : ''} "${name}" is invalid: ${summary}`,
    {
      name,
      group: group || undefined,
      kind,
      causes: errors.map((e) => ({ reason: e.type, message: e.message, field: e.field })),
    },
  );
}

export const badRequest = (message: string, causes?: StatusCause[]): StatusError =>
  new StatusError(400, 'BadRequest', message, causes ? { causes } : undefined);

export const unauthorized = (message = 'Unauthorized'): StatusError =>
  new StatusError(401, 'Unauthorized', message);

export const forbidden = (message: string): StatusError => new StatusError(403, 'Forbidden', message);

export const methodNotAllowed = (message: string): StatusError =>
  new StatusError(405, 'MethodNotAllowed', message);

export const notAcceptable = (message: string): StatusError => new StatusError(406, 'NotAcceptable', message);

export const expired = (message: string): StatusError => new StatusError(410, 'Expired', message);

export const tooLarge = (message = 'the request body is too large'): StatusError =>
  new StatusError(413, 'RequestEntityTooLarge', message);

export const unsupportedMediaType = (contentType: string): StatusError =>
  new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got ${JSON.stringify(contentType)})`,
  );

export const tooManyRequests = (message: string, retryAfterSeconds?: number): StatusError =>
  new StatusError(429, 'TooManyRequests', message, retryAfterSeconds ? { retryAfterSeconds } : undefined);

export const internalError = (message: string): StatusError =>
  new StatusError(500, 'InternalError', `Internal error occurred: ${message}`);

/** Turns anything thrown into a Status; unknown errors become 500 without leaking internals. */
export function toStatus(err: unknown): Status {
  if (err instanceof StatusError) return err.status;
  return internalError(err instanceof Error ? err.message : String(err)).status;
}
