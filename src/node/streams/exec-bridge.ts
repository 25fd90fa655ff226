/**
 * Exec and attach: kubectl's WebSocket (v5.channel.k8s.io, or v4) on one side, the container
 * runtime's SPDY session on the other. Channel messages from kubectl go to the SPDY stream of the
 * same type (stdin data, resize JSON; v5's `[255, 0]` half-closes stdin); runtime output comes back
 * as stdout/stderr messages; the Status the runtime writes on its error stream (Success, or
 * NonZeroExitCode with the exit code) goes out on channel 3, and then the WebSocket closes — which
 * is how kubectl learns the command's exit code.
 */
import type { WebSocket } from 'ws';
import { Channel, channelProtocolV4, failureStatus, frame, unframe } from './channel.ts';
import { dialRuntime } from './runtime-dial.ts';
import { SpdySession, type SpdyStream } from './spdy.ts';

/** Which streams the session carries (tty: stderr is merged into stdout and resize is used). */
export interface ExecStreams {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** A runtime exec/attach session with its streams open. */
export interface RuntimeExec {
  session: SpdySession;
  error: SpdyStream;
  stdin?: SpdyStream;
  stdout?: SpdyStream;
  stderr?: SpdyStream;
  resize?: SpdyStream;
}

/** Dials the runtime's stream URL and opens the streams `s` asks for (error first, as Kubernetes does). */
export async function openRuntimeExec(url: string, s: ExecStreams): Promise<RuntimeExec> {
  const conn = await dialRuntime(url, [channelProtocolV4]);
  if (conn.protocol && conn.protocol !== channelProtocolV4) {
    conn.socket.destroy();
    throw new Error(`the container runtime chose stream protocol ${conn.protocol}, not ${channelProtocolV4}`);
  }
  const session = new SpdySession(conn.socket, conn.head);
  const open = (type: string) => session.openStream({ streamtype: type });
  return {
    session,
    error: open('error'),
    stdin: s.stdin ? open('stdin') : undefined,
    stdout: s.stdout ? open('stdout') : undefined,
    stderr: s.stderr && !s.tty ? open('stderr') : undefined,
    resize: s.tty ? open('resize') : undefined,
  };
}

/** Bridges an accepted WebSocket to a runtime session until either side ends. */
export function bridgeExec(ws: WebSocket, rt: RuntimeExec, onDone?: (err?: Error) => void): void {
  const statusParts: Buffer[] = [];
  let finished = false;
  const finish = (why?: string) => {
    if (finished) return;
    finished = true;
    const text = Buffer.concat(statusParts).toString().trim();
    const status =
      text ||
      JSON.stringify(failureStatus(why ?? 'the container runtime closed the stream without a status'));
    if (ws.readyState === ws.OPEN) {
      ws.send(frame(Channel.error, status));
      ws.close(1000);
    }
    rt.session.close();
    onDone?.();
  };
  const forward = (s: SpdyStream | undefined, channel: number) =>
    s?.on('data', (d: Buffer) => {
      if (ws.readyState === ws.OPEN) ws.send(frame(channel, d));
    });
  forward(rt.stdout, Channel.stdout);
  forward(rt.stderr, Channel.stderr);
  rt.error.on('data', (d: Buffer) => statusParts.push(d));
  // The runtime writes the Status after all output, then ends the error stream and the connection.
  rt.error.on('end', () => finish());
  rt.session.on('close', () => finish());
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const m = isBinary ? unframe(data) : undefined;
    if (!m) return;
    switch (m.channel) {
      case Channel.stdin:
        rt.stdin?.write(m.data);
        break;
      case Channel.resize:
        rt.resize?.write(m.data);
        break;
      case Channel.close:
        // v5: [255, N] closes channel N; only stdin can be closed by the client.
        if (m.data[0] === Channel.stdin) rt.stdin?.end();
        break;
      default:
    }
  });
  ws.on('close', () => {
    if (!finished) {
      finished = true;
      rt.session.destroy();
      onDone?.();
    }
  });
  ws.on('error', () => ws.terminate());
}
