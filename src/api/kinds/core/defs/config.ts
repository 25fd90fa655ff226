/** core/v1 schema definitions for ConfigMap, Secret and ServiceAccount. */
import { s, type Definitions } from '../../../schema/types.ts';
import { V1, core, coreKind, coreList, listOf } from './helpers.ts';

export const configDefinitions: Definitions = {
  [V1 + 'ConfigMap']: coreKind('ConfigMap', 'Non-secret configuration data as key-value pairs.', {
    data: s.strMap('UTF-8 values by key.'),
    binaryData: s.mapOf(
      s.bytes('Base64-encoded bytes.'),
      'Binary values by key; keys may not repeat those of data.',
    ),
    immutable: s.bool('When true, data can no longer be changed; only deletion remains.'),
  }),
  [V1 + 'ConfigMapList']: coreList('ConfigMap', 'A list of config maps.'),
  [V1 + 'Secret']: coreKind('Secret', 'Sensitive data such as passwords, tokens or keys.', {
    data: s.mapOf(s.bytes('Base64-encoded bytes.'), 'Values by key, base64-encoded.'),
    stringData: s.strMap('Write-only plain-text values merged into data on write.'),
    type: s.str('How the data is used, e.g. Opaque or kubernetes.io/tls; Opaque by default.'),
    immutable: s.bool('When true, data can no longer be changed; only deletion remains.'),
  }),
  [V1 + 'SecretList']: coreList('Secret', 'A list of secrets.'),
  [V1 + 'ServiceAccount']: coreKind('ServiceAccount', 'An identity processes in pods run as.', {
    secrets: s.mapList(
      core('ObjectReference'),
      'name',
      'Secrets pods of this account may use (legacy token secrets).',
    ),
    imagePullSecrets: listOf(
      'LocalObjectReference',
      'Secrets added to pods of this account for pulling images.',
    ),
    automountServiceAccountToken: s.bool("Mount the account's API token into pods automatically."),
  }),
  [V1 + 'ServiceAccountList']: coreList('ServiceAccount', 'A list of service accounts.'),
};
