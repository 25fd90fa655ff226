/**
 * The one place that loads @peculiar/x509: the Reflect polyfill it needs is evaluated first (ESM
 * evaluates imports in order), and the library is pointed at Node's WebCrypto. Every other PKI file
 * imports `x509` from here, never from the package directly.
 */
import './reflect-metadata.ts';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto);

export { x509 };
