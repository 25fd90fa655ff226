/**
 * Port forwarding as kubectl ≥ 1.30 does it: SPDY carried inside WebSocket binary messages
 * (subprotocol `SPDY/3.1+portforward.k8s.io`). The runtime's stream server speaks that same SPDY
 * (`portforward.k8s.io`: per forwarded connection an error and a data stream with `port` and
 * `requestID` headers), so the agent only unwraps: WebSocket message payloads are written to the
 * runtime connection as bytes, and runtime bytes go back as binary messages. Several local
 * connections are several SPDY stream pairs on the one session, multiplexed by kubectl and the
 * runtime; nothing here needs to parse them.
 */
import type { WebSocket } from 'ws';
import type { RuntimeConnection } from './runtime-dial.ts';

/** How many sends may wait on the WebSocket before runtime reads pause. */
const maxInFlight = 64;

/** Carries a tunnelled SPDY session between `ws` and the runtime until either side closes. */
export function tunnelPortForward(ws: WebSocket, rt: RuntimeConnection): void {
  const sock = rt.socket;
  let inFlight = 0;
  const toClient = (d: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    inFlight++;
    if (inFlight >= maxInFlight) sock.pause();
    ws.send(d, { binary: true }, () => {
      inFlight--;
      if (inFlight < maxInFlight / 2) sock.resume();
    });
  };
  if (rt.head.length) toClient(rt.head);
  sock.on('data', toClient);
  ws.on('message', (d: Buffer) => {
    if (!sock.destroyed) sock.write(d);
  });
  const end = () => {
    sock.destroy();
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000);
  };
  sock.on('close', end);
  sock.on('error', end);
  ws.on('close', end);
  ws.on('error', () => ws.terminate());
}
