/**
 * Protocol probes for an etcd endpoint that failed to connect. When plaintext gRPC fails without a
 * refusal, speaksTls tells "etcd serves TLS there" from a dead or foreign endpoint; when a TLS
 * handshake fails, speaksPlainHttp tells "etcd serves plaintext there". Both are configuration
 * mistakes with a one-line fix. The server's certificate is not checked: only the protocol matters.
 */
import { connect as connectTcp } from 'node:net';
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

/**
 * True when `host:port` answers a plaintext HTTP/1.1 request (etcd's client port serves /version
 * next to gRPC). A plaintext etcd ends a TLS ClientHello with either a FIN or a reset, depending on
 * timing, so the handshake error alone cannot say which mistake was made.
 */
export function speaksPlainHttp(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host, port });
    let head = '';
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () =>
      socket.write(`GET /version HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`),
    );
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (head.length >= 5) done(head.startsWith('HTTP/'));
    });
    socket.once('end', () => done(head.startsWith('HTTP/')));
    socket.once('error', () => done(false));
  });
}
