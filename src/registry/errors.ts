/**
 * The registry's error catalogue: every failure the image repository answers with is one of the OCI
 * Distribution Spec's error codes, sent as `{"errors":[{"code","message","detail"}]}` with the HTTP
 * status the CNCF distribution registry uses for it, so clients (skopeo, containerd, docker) read the
 * reason the same way they do from any other registry.
 */

/** The codes the spec allows in a 4xx body, plus UNKNOWN for 5xx (as distribution does). */
export type RegistryErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'TOOMANYREQUESTS'
  | 'UNKNOWN';

/** Default status and message per code; a thrower may override the status (e.g. 413, 416). */
export const errorCatalogue: Readonly<Record<RegistryErrorCode, { status: number; message: string }>> = {
  BLOB_UNKNOWN: { status: 404, message: 'blob unknown to registry' },
  BLOB_UPLOAD_INVALID: { status: 400, message: 'blob upload invalid' },
  BLOB_UPLOAD_UNKNOWN: { status: 404, message: 'blob upload unknown to registry' },
  DIGEST_INVALID: { status: 400, message: 'provided digest did not match uploaded content' },
  MANIFEST_BLOB_UNKNOWN: {
    status: 400,
    message: 'manifest references a manifest or blob unknown to registry',
  },
  MANIFEST_INVALID: { status: 400, message: 'manifest invalid' },
  MANIFEST_UNKNOWN: { status: 404, message: 'manifest unknown to registry' },
  NAME_INVALID: { status: 400, message: 'invalid repository name' },
  NAME_UNKNOWN: { status: 404, message: 'repository name not known to registry' },
  SIZE_INVALID: { status: 400, message: 'provided length did not match content length' },
  UNAUTHORIZED: { status: 401, message: 'authentication required' },
  DENIED: { status: 403, message: 'requested access to the resource is denied' },
  UNSUPPORTED: { status: 405, message: 'the operation is unsupported' },
  TOOMANYREQUESTS: { status: 429, message: 'too many requests' },
  UNKNOWN: { status: 500, message: 'unknown error' },
};

/** A failure to answer with the spec's JSON error body. Handlers throw it; the server renders it. */
export class RegistryError extends Error {
  readonly code: RegistryErrorCode;
  readonly status: number;
  readonly detail: unknown;
  /** Extra response headers (e.g. WWW-Authenticate, Range on a 416). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: RegistryErrorCode,
    message?: string,
    opts: { status?: number; detail?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message ?? errorCatalogue[code].message);
    this.name = 'RegistryError';
    this.code = code;
    this.status = opts.status ?? errorCatalogue[code].status;
    this.detail = opts.detail;
    this.headers = opts.headers ?? {};
  }

  /** The spec's body: one error in the `errors` array. */
  body(): string {
    const entry: { code: string; message: string; detail?: unknown } = {
      code: this.code,
      message: this.message,
    };
    if (this.detail !== undefined) entry.detail = this.detail;
    return JSON.stringify({ errors: [entry] });
  }
}

/**
 * True for a full disk or exhausted filesystem quota: the errno from a file write, or SQLite's
 * SQLITE_FULL (13) from a metadata write.
 */
export function isNoSpace(err: unknown): boolean {
  const e = err as (NodeJS.ErrnoException & { errcode?: number }) | null;
  return e?.code === 'ENOSPC' || e?.code === 'EDQUOT' || (e?.code === 'ERR_SQLITE_ERROR' && e.errcode === 13);
}

/**
 * The answer to a write the volume has no room for: 507 Insufficient Storage with code UNKNOWN
 * (distribution answers ENOSPC with UNKNOWN too, as a 500; the spec's 4xx codes blame the client).
 */
export function noSpaceError(): RegistryError {
  return new RegistryError('UNKNOWN', 'no space left on the registry volume', {
    status: 507,
    detail: { reason: 'ENOSPC' },
  });
}
