/**
 * Whether an address answers a TLS handshake. When plaintext gRPC to an etcd endpoint fails without
 * a refusal, this tells "etcd serves TLS there" (a configuration mistake with a one-line fix) from a
 * dead or foreign endpoint. The server's certificate is not checked: only the protocol matters.
 */
import { connect } from 'node:tls';

/** True when `host:port` completes a TLS handshake or answers it with a TLS alert. */
export function speaksTls(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, rejectUnauthorized: false, ALPNProtocols: ['h2'] });
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('secureConnect', () => done(true));
    // A server that wants a client certificate may end the handshake with an alert: still TLS.
    socket.once('error', (err) => done(/alert/i.test(err.message)));
  });
}
