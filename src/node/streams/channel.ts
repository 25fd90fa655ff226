/**
 * Kubernetes' channel protocols for exec and attach over WebSocket (`v4.channel.k8s.io`,
 * `v5.channel.k8s.io`): every binary message starts with one byte naming its channel — 0 stdin,
 * 1 stdout, 2 stderr, 3 error (the final Status, as JSON), 4 resize (`{"Width":W,"Height":H}`).
 * v5 adds channel 255: a message `[255, N]` closes channel N (the client closing stdin), which v4
 * cannot express. The same channel numbers name the SPDY streams of the runtime side (stream types
 * error, stdin, stdout, stderr, resize).
 */

export const channelProtocolV5 = 'v5.channel.k8s.io';
export const channelProtocolV4 = 'v4.channel.k8s.io';
/** Port forwarding as SPDY framed inside WebSocket binary messages (kubectl ≥ 1.30). */
export const spdyTunnelPortForward = 'SPDY/3.1+portforward.k8s.io';
/** Port forwarding over WebSocket channels: per port a data and an error channel. */
export const portForwardProtocolV1 = 'portforward.k8s.io';

export const Channel = {
  stdin: 0,
  stdout: 1,
  stderr: 2,
  error: 3,
  resize: 4,
  close: 255,
} as const;

/** Exec/attach protocols this agent speaks, best first. */
export const execProtocols = [channelProtocolV5, channelProtocolV4];

/** The protocol to answer with: the first of ours the client offered (undefined = none fits). */
export function chooseProtocol(offered: Iterable<string>, ours: readonly string[]): string | undefined {
  const set = new Set([...offered].map((p) => p.trim()));
  return ours.find((p) => set.has(p));
}

/** One channel message: the channel byte, then the data. */
export function frame(channel: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const out = Buffer.allocUnsafe(body.length + 1);
  out[0] = channel;
  body.copy(out, 1);
  return out;
}

/** A received message split into its channel and data; undefined for an empty message. */
export function unframe(msg: Buffer): { channel: number; data: Buffer } | undefined {
  if (!msg.length) return undefined;
  return { channel: msg[0], data: msg.subarray(1) };
}

/** The Status a finished command reports on the error channel (what kubectl turns into its exit code). */
export function exitStatus(code: number): Record<string, unknown> {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: exit status ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/** A Status for a failure that is not the command's exit code (the runtime went away, say). */
export function failureStatus(message: string): Record<string, unknown> {
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 };
}

/** The exit code a Status on the error channel carries: 0 for Success, undefined when none is given. */
export function statusExitCode(status: unknown): number | undefined {
  const s = status as { status?: string; details?: { causes?: { reason?: string; message?: string }[] } };
  if (s?.status === 'Success') return 0;
  const cause = s?.details?.causes?.find((c) => c.reason === 'ExitCode');
  return cause ? Number(cause.message) : undefined;
}
