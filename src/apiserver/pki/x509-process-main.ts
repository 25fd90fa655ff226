/** The x509 child process (see x509-process.ts): answers each call with its result or error message. */
import * as issue from './issue.ts';
import * as csr from './csr.ts';
import { x509Lib, type X509Call } from './x509-process.ts';

const calls: Record<X509Call | 'warm', (...args: never[]) => Promise<unknown>> = {
  // warmX509Process: load the library before the first real call needs it.
  warm: async () => void (await x509Lib()),
  createCertificateAuthority: issue.createCertificateAuthority,
  issueClientCert: issue.issueClientCert,
  issueServingCert: issue.issueServingCert,
  createCertificateRequest: csr.createCertificateRequest,
  parseCertificateRequest: csr.parseCertificateRequest,
  signCertificateRequest: csr.signCertificateRequest,
};

/**
 * Sends an answer. The parent may have exited meanwhile (a command that failed fast on its first
 * start, while the warm-up call was out): then nobody waits for it, and the send error (EPIPE) is
 * dropped rather than crashing this process onto the parent's stderr.
 */
function answer(reply: { id: number; value?: unknown; error?: string }): void {
  if (process.connected) process.send!(reply, undefined, {}, () => {});
}

process.on('message', (m: { id: number; name: X509Call | 'warm'; args: never[] }) => {
  calls[m.name](...m.args).then(
    (value) => answer({ id: m.id, value }),
    (err: unknown) => answer({ id: m.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
