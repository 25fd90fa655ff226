/**
 * The Kubernetes exec channel protocol as the terminal speaks it (v5/v4.channel.k8s.io over a
 * WebSocket to the console server): every binary frame starts with its channel — 0 stdin, 1 stdout,
 * 2 stderr, 3 the final Status, 4 terminal size. Pure, so tested without a browser.
 */
import { clusterUrl, kinds, resourcePath } from '../api/kinds.ts';

/** Channel numbers. */
export const channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4 } as const;

/** Subprotocols offered, newest first. */
export const execProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

const encoder = new TextEncoder();

/** A frame on `ch` carrying `data`. */
export function frame(ch: number, data: string | Uint8Array): Uint8Array {
  const body = typeof data === 'string' ? encoder.encode(data) : data;
  const out = new Uint8Array(body.length + 1);
  out[0] = ch;
  out.set(body, 1);
  return out;
}

/** The resize frame for a terminal of `cols` × `rows`. */
export function resizeFrame(cols: number, rows: number): Uint8Array {
  return frame(channel.resize, JSON.stringify({ Width: cols, Height: rows }));
}

/** Splits a received frame into its channel and payload. */
export function readFrame(data: ArrayBuffer | Uint8Array): { channel: number; data: Uint8Array } {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  return { channel: bytes[0] ?? -1, data: bytes.subarray(1) };
}

/**
 * The outcome in a channel-3 Status: success, an exit code (reason NonZeroExitCode), or a failure
 * message (a refusal by the API server, or the console server's own).
 */
export function exitStatus(data: Uint8Array): { ok: boolean; exitCode?: number; message?: string } {
  let s: {
    status?: string;
    message?: string;
    reason?: string;
    details?: { causes?: { reason?: string; message?: string }[] };
  };
  try {
    s = JSON.parse(new TextDecoder().decode(data)) as typeof s;
  } catch {
    return { ok: false, message: new TextDecoder().decode(data) };
  }
  if (s.status === 'Success') return { ok: true, exitCode: 0 };
  const code = s.details?.causes?.find((c) => c.reason === 'ExitCode')?.message;
  if (s.reason === 'NonZeroExitCode' && code !== undefined) {
    return { ok: false, exitCode: Number(code), message: s.message };
  }
  return { ok: false, message: s.message ?? 'the command failed' };
}

/** The WebSocket URL of an exec into `container` of a pod, on the page's own origin. */
export function execSocketUrl(
  origin: { protocol: string; host: string },
  cluster: string,
  target: { namespace: string; pod: string; container: string },
  command: string[],
): string {
  const path = resourcePath(kinds.pods, {
    namespace: target.namespace,
    name: target.pod,
    subresource: 'exec',
  });
  const q = new URLSearchParams({ container: target.container, stdin: 'true', stdout: 'true', tty: 'true' });
  for (const c of command) q.append('command', c);
  const scheme = origin.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${origin.host}${clusterUrl(cluster, path)}?${q}`;
}

/** Splits a command line on white space ("sh -c" style quoting is not interpreted); `sh` if blank. */
export function splitCommand(line: string): string[] {
  const words = line
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  return words.length > 0 ? words : ['sh'];
}
