/**
 * TLS to etcd from the server's flags, as kube-apiserver's --etcd-cafile, --etcd-certfile and
 * --etcd-keyfile: the files read and checked at start (each mistake a one-line error naming the
 * file), and hints that turn a refused handshake into the flag to fix. etcd holds every Secret, so
 * a problem here stops the server rather than falling back to plaintext.
 */
import { readFile } from 'node:fs/promises';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { EtcdTlsOptions } from '../store/etcd-client.ts';

/** The PEM files of `--datastore etcds://…`: the CA that signed etcd's certificate, the client pair. */
export interface EtcdTlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

/** The flags among `files` that were given, by their command-line names. */
export function etcdTlsFlagsGiven(files: EtcdTlsFiles): string[] {
  return [
    files.caFile !== undefined && '--etcd-cafile',
    files.certFile !== undefined && '--etcd-certfile',
    files.keyFile !== undefined && '--etcd-keyfile',
  ].filter((f): f is string => f !== false);
}

/** Reads and checks the files: PEM certificates, a private key that matches the client certificate. */
export async function loadEtcdTls(files: EtcdTlsFiles): Promise<EtcdTlsOptions> {
  const ca = files.caFile === undefined ? undefined : await read('--etcd-cafile', files.caFile);
  const cert = files.certFile === undefined ? undefined : await read('--etcd-certfile', files.certFile);
  const key = files.keyFile === undefined ? undefined : await read('--etcd-keyfile', files.keyFile);
  if (ca) certificate('--etcd-cafile', files.caFile!, ca);
  if (cert && key) {
    const x = certificate('--etcd-certfile', files.certFile!, cert);
    let k: ReturnType<typeof createPrivateKey>;
    try {
      k = createPrivateKey(key);
    } catch {
      throw new Error(`--etcd-keyfile ${files.keyFile}: not an unencrypted PEM private key`);
    }
    if (!x.checkPrivateKey(k))
      throw new Error(`--etcd-keyfile ${files.keyFile} is not the key of --etcd-certfile ${files.certFile}`);
  }
  return { ca, cert, key };
}

/**
 * A hint for a failed connection to etcd (`message` lists each endpoint's failure), naming the flag
 * or the scheme that would fix it; '' when the failure is not about TLS.
 */
export function etcdConnectHint(message: string, tls: EtcdTlsFiles | undefined): string {
  if (/speaks TLS, not plaintext/.test(message))
    return 'use --datastore etcds://… with --etcd-cafile, and --etcd-certfile/--etcd-keyfile if etcd wants a client certificate';
  if (!tls) return '';
  if (/alert (bad certificate|certificate required|handshake failure|unknown ca)/i.test(message)) {
    return tls.certFile === undefined
      ? 'etcd refused the connection without a client certificate: give --etcd-certfile and --etcd-keyfile'
      : `etcd refused the client certificate in --etcd-certfile ${tls.certFile}: is it signed by a CA in etcd's --trusted-ca-file?`;
  }
  if (/unable to verify|self[- ]signed certificate|unable to get (local )?issuer/i.test(message)) {
    return tls.caFile === undefined
      ? "etcd's certificate is not signed by a CA this system trusts: give its CA with --etcd-cafile"
      : `etcd's certificate is not signed by the CA in --etcd-cafile ${tls.caFile}`;
  }
  if (/wrong version number|before secure TLS connection was established/i.test(message))
    return 'the TLS handshake did not happen: if etcd serves plaintext there, use --datastore etcd://…';
  return '';
}

async function read(flag: string, file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    // "ENOENT: no such file or directory, open '/x'" → "no such file or directory"
    const why = (err as Error).message.replace(/^E[A-Z]+: /, '').replace(/, \w+( '.*')?$/, '');
    throw new Error(`cannot read ${flag} ${file}: ${why}`, { cause: err });
  }
}

function certificate(flag: string, file: string, pem: Buffer): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new Error(`${flag} ${file}: not a PEM certificate`);
  }
}
