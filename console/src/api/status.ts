/**
 * API failures as one error type. The server answers errors with a Kubernetes `Status`; the console
 * shows its message as it is (with field causes, when the server gave them), so what a user reads
 * in the browser is what kubectl would print.
 */
import type { Status } from './types.ts';

/** An API request that failed, carrying the server's Status. */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly causes: { field?: string; message?: string }[];

  constructor(
    code: number,
    reason: string,
    message: string,
    causes: { field?: string; message?: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.causes = causes;
  }
}

/** True for a JSON value shaped like a Status. */
export function isStatus(value: unknown): value is Status {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Status';
}

/** The ApiError for an HTTP answer with `code` and body text `body` (a Status, or anything else). */
export function errorFromBody(code: number, statusText: string, body: string): ApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (isStatus(parsed)) return errorFromStatus(parsed, code);
  const text = body.trim().slice(0, 300);
  return new ApiError(code, statusText || 'Error', text !== '' ? text : `HTTP ${code} ${statusText}`.trim());
}

/** The ApiError for a Status object (a failed request's body, or a watch ERROR event). */
export function errorFromStatus(s: Status, fallbackCode = 500): ApiError {
  return new ApiError(
    s.code ?? fallbackCode,
    s.reason ?? 'Unknown',
    s.message ?? `request failed (${s.reason ?? s.code ?? fallbackCode})`,
    s.details?.causes ?? [],
  );
}

/** The text to show for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
