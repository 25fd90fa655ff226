/**
 * Small HTTP helpers shared by the handlers: sending a response with the registry's standard
 * headers, reading a bounded request body, parsing the `n` pagination parameter, and the access
 * check that turns an authorizer's refusal into the spec's error.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Access, AuthDecision } from './auth.ts';
import type { RegistryContext } from './context.ts';
import { answerRefused } from './drain.ts';
import { RegistryError } from './errors.ts';
import { isValidName } from './reference.ts';

/** Sent on every response: clients use it to recognise a v2 registry. */
export const API_VERSION_HEADER = { 'Docker-Distribution-API-Version': 'registry/2.0' } as const;

/** Ends the response with `status`, `headers` and an optional body (Content-Length always set). */
export function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | number> = {},
  body?: string | Uint8Array,
): void {
  const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, {
    ...API_VERSION_HEADER,
    'Content-Length': payload?.byteLength ?? 0,
    ...headers,
  });
  res.end(payload);
}

/** Sends a JSON document. */
export function sendJson(
  res: ServerResponse,
  status: number,
  doc: unknown,
  headers: Record<string, string> = {},
): void {
  send(res, status, { 'Content-Type': 'application/json', ...headers }, JSON.stringify(doc));
}

/**
 * Sends a RegistryError as the spec's JSON error body. Given the request, and its body has not all
 * arrived (a refused upload), the rest is drained before the response ends, so the client reads
 * the error instead of a reset (drain.ts).
 */
export function sendError(res: ServerResponse, err: RegistryError, req?: IncomingMessage): void {
  const headers = { 'Content-Type': 'application/json', ...err.headers };
  if (req && !req.complete) {
    answerRefused(req, res, err.status, { ...API_VERSION_HEADER, ...headers }, Buffer.from(err.body()));
    return;
  }
  send(res, err.status, headers, err.body());
}

/** Reads the whole body, refusing (413 SIZE_INVALID) past `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = (): RegistryError =>
    new RegistryError('SIZE_INVALID', `request body exceeds ${limit} bytes`, { status: 413 });
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let total = 0;
  // Leaving the loop early must not destroy the request: a destroyed request is cut from its
  // socket, and the rest of its body could no longer be drained when the refusal is answered.
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    total += (chunk as Buffer).length;
    if (total > limit) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, total);
}

/** Whether the request carries a body (a non-zero Content-Length, or chunked encoding). */
export function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  if (len !== undefined) return Number(len) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

/** The `n` query parameter: undefined when absent; 400 when not a non-negative integer. */
export function pageSize(query: URLSearchParams, max: number): number | undefined {
  const raw = query.get('n');
  if (raw === null || raw === '') return undefined;
  if (!/^\d+$/.test(raw))
    throw new RegistryError('UNSUPPORTED', `n must be a non-negative integer, got ${raw}`, { status: 400 });
  return Math.min(Number(raw), max);
}

/** Throws NAME_INVALID unless `name` is a valid repository name. */
export function checkName(name: string): void {
  if (!isValidName(name))
    throw new RegistryError('NAME_INVALID', `invalid repository name ${JSON.stringify(name)}`);
}

/**
 * Asks the authorizer for `access`; throws its error when refused. Settles synchronously (returns
 * undefined) when the authorizer answers synchronously, so hot paths can skip an await.
 */
export function requireAccess(
  ctx: RegistryContext,
  req: IncomingMessage,
  access: Access[],
): Promise<void> | undefined {
  const decision = ctx.authorize(req, access);
  if (decision instanceof Promise) return decision.then(enforce);
  enforce(decision);
  return undefined;
}

function enforce(decision: AuthDecision): void {
  if (!decision.allowed) throw decision.error;
}

/** Throws NAME_UNKNOWN unless the repository exists. */
export function requireRepository(ctx: RegistryContext, name: string): void {
  if (!ctx.meta.repositoryExists(name))
    throw new RegistryError('NAME_UNKNOWN', `repository ${name} not known to registry`);
}
