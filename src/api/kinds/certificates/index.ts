/** certificates.k8s.io/v1: CertificateSigningRequest. */
import type { GroupModule } from '../types.ts';
import { certificateSigningRequest } from './csr.ts';
import { definitions } from './definitions.ts';

export const module: GroupModule = { kinds: [certificateSigningRequest], definitions };
