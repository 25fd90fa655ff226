/**
 * Certificates for an etcd that speaks TLS, made with openssl the way an operator would: a CA, a
 * server certificate for 127.0.0.1/localhost and a client certificate, all signed by that CA. EC
 * P-256 keys, so a whole set takes a few tens of milliseconds.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** PEM files in one directory; `ca` signed both the server and the client certificate. */
export interface EtcdTlsFiles {
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
}

const opensslConfig = `
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
[client]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
`;

/** Writes a fresh CA, server and client certificate (with keys) into `dir`, named after `name`. */
export function makeEtcdTlsFiles(dir: string, name = 'etcd'): EtcdTlsFiles {
  const cfg = join(dir, `${name}-openssl.cnf`);
  writeFileSync(cfg, opensslConfig);
  const f = (s: string) => join(dir, `${name}-${s}`);
  const files: EtcdTlsFiles = {
    caFile: f('ca.crt'),
    serverCertFile: f('server.crt'),
    serverKeyFile: f('server.key'),
    clientCertFile: f('client.crt'),
    clientKeyFile: f('client.key'),
  };
  const req = (cn: string, ext: string, cert: string, key: string, signer: string[]) =>
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '2',
        '-subj',
        `/CN=${cn}`,
        '-config',
        cfg,
        '-extensions',
        ext,
        '-keyout',
        key,
        '-out',
        cert,
        ...signer,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  req(`${name} test CA`, 'ca', files.caFile, f('ca.key'), []);
  const signer = ['-CA', files.caFile, '-CAkey', f('ca.key')];
  req(`${name} server`, 'server', files.serverCertFile, files.serverKeyFile, signer);
  req('berth', 'client', files.clientCertFile, files.clientKeyFile, signer);
  return files;
}
