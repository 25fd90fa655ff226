/** Schemas of apiextensions.k8s.io/v1: CustomResourceDefinition and the types it holds. */
import { s, type Definitions, type Schema } from '../../schema/types.ts';
import { kindSchema, listSchema } from '../networking/kind-schema.ts';
import { P, schemaDefinitions } from './jsonschemaprops.ts';

const G = 'apiextensions.k8s.io';
const V = 'v1';

const conditions: Schema = {
  type: 'array',
  items: s.ref(P + 'CustomResourceDefinitionCondition'),
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
  description: 'Observed conditions: Established, NamesAccepted, NonStructuralSchema, Terminating.',
};

export const definitions: Definitions = {
  ...schemaDefinitions,
  [P + 'CustomResourceDefinition']: kindSchema(
    G,
    V,
    'CustomResourceDefinition',
    'Adds a resource kind to the API; named <plural>.<group>.',
    {
      spec: s.ref(P + 'CustomResourceDefinitionSpec', 'The resource being defined.'),
      status: s.ref(P + 'CustomResourceDefinitionStatus', 'State of the definition.'),
    },
    ['spec'],
  ),
  [P + 'CustomResourceDefinitionList']: listSchema(
    G,
    V,
    'CustomResourceDefinition',
    P + 'CustomResourceDefinition',
  ),
  [P + 'CustomResourceDefinitionSpec']: s.obj(
    {
      group: s.str('API group of the resource, a domain name such as example.com.'),
      names: s.ref(
        P + 'CustomResourceDefinitionNames',
        'How the resource is named in URLs, kinds and kubectl.',
      ),
      scope: s.enumOf(['Cluster', 'Namespaced'], 'Whether objects live in namespaces.'),
      versions: s.list(
        s.ref(P + 'CustomResourceDefinitionVersion'),
        'Served versions; exactly one is the storage version.',
      ),
      conversion: s.ref(P + 'CustomResourceConversion', 'How objects convert between versions.'),
      preserveUnknownFields: s.bool(
        'Legacy switch to keep unknown fields; must be false, use x-kubernetes-preserve-unknown-fields.',
      ),
    },
    'What a custom resource looks like.',
    ['group', 'names', 'scope', 'versions'],
  ),
  [P + 'CustomResourceDefinitionNames']: s.obj(
    {
      plural: s.str('Lower-case plural used in URLs; must match the first part of the CRD name.'),
      singular: s.str('Lower-case singular; the lower-cased kind by default.'),
      shortNames: s.strList('Short names kubectl accepts.'),
      kind: s.str('CamelCase kind of the objects.'),
      listKind: s.str('Kind of lists; <kind>List by default.'),
      categories: s.strList('Groups of resources this one belongs to, e.g. all.'),
    },
    'Names of a custom resource.',
    ['plural', 'kind'],
  ),
  [P + 'CustomResourceDefinitionVersion']: s.obj(
    {
      name: s.str('Version name, e.g. v1 or v1beta1.'),
      served: s.bool('Whether the version is served.'),
      storage: s.bool('Whether objects are stored in this version; exactly one version has it.'),
      deprecated: s.bool('Whether clients get a deprecation warning.'),
      deprecationWarning: s.str('The warning shown to clients instead of the default one.'),
      schema: s.ref(P + 'CustomResourceValidation', 'Schema of objects in this version.'),
      subresources: s.ref(P + 'CustomResourceSubresources', 'Status and scale subresources.'),
      additionalPrinterColumns: s.list(
        s.ref(P + 'CustomResourceColumnDefinition'),
        'Extra columns for kubectl get.',
      ),
      selectableFields: s.list(s.ref(P + 'SelectableField'), 'Fields usable in field selectors.'),
    },
    'One version of a custom resource.',
    ['name', 'served', 'storage'],
  ),
  [P + 'CustomResourceValidation']: s.obj(
    { openAPIV3Schema: s.ref(P + 'JSONSchemaProps', 'Schema objects must satisfy.') },
    'Validation of a custom resource version.',
  ),
  [P + 'CustomResourceSubresources']: s.obj(
    {
      status: s.ref(
        P + 'CustomResourceSubresourceStatus',
        'Enables /status; status changes only through it.',
      ),
      scale: s.ref(P + 'CustomResourceSubresourceScale', 'Enables /scale.'),
    },
    'Subresources of a custom resource.',
  ),
  [P + 'CustomResourceSubresourceStatus']: {
    type: 'object',
    description: 'Enables the status subresource; takes no settings.',
  },
  [P + 'CustomResourceSubresourceScale']: s.obj(
    {
      specReplicasPath: s.str('JSON path under .spec of the desired replicas.'),
      statusReplicasPath: s.str('JSON path under .status of the current replicas.'),
      labelSelectorPath: s.str('JSON path under .spec or .status of the selector string.'),
    },
    'Where /scale finds replicas and the selector.',
    ['specReplicasPath', 'statusReplicasPath'],
  ),
  [P + 'CustomResourceColumnDefinition']: s.obj(
    {
      name: s.str('Column header.'),
      type: s.str('integer, number, string, boolean or date.'),
      format: s.str('Optional refinement of the type.'),
      description: s.str('What the column shows.'),
      priority: s.int32('0 shows always; higher only in wide output.'),
      jsonPath: s.str('Simple JSON path of the value in each object.'),
    },
    'An extra kubectl get column.',
    ['name', 'type', 'jsonPath'],
  ),
  [P + 'SelectableField']: s.obj(
    { jsonPath: s.str('Simple JSON path of a string, integer or boolean field.') },
    'A field usable in field selectors.',
    ['jsonPath'],
  ),
  [P + 'CustomResourceConversion']: s.obj(
    {
      strategy: s.enumOf(
        ['None', 'Webhook'],
        'None only changes apiVersion; Webhook calls a conversion webhook.',
      ),
      webhook: s.ref(P + 'WebhookConversion', 'The webhook, for the Webhook strategy.'),
    },
    'How objects convert between versions.',
    ['strategy'],
  ),
  [P + 'WebhookConversion']: s.obj(
    {
      clientConfig: s.ref(P + 'WebhookClientConfig', 'How to reach the webhook.'),
      conversionReviewVersions: s.strList(
        'ConversionReview versions the webhook accepts, in order of preference.',
      ),
    },
    'A conversion webhook.',
    ['conversionReviewVersions'],
  ),
  [P + 'WebhookClientConfig']: s.obj(
    {
      url: s.str('https URL of the webhook.'),
      service: s.ref(P + 'ServiceReference', 'An in-cluster service hosting the webhook.'),
      caBundle: s.bytes('PEM CA bundle to verify the webhook certificate.'),
    },
    'How to call a webhook: a URL or a service.',
  ),
  [P + 'ServiceReference']: s.obj(
    {
      namespace: s.str('Namespace of the service.'),
      name: s.str('Name of the service.'),
      path: s.str('URL path to call.'),
      port: s.int32('Port of the service; 443 by default.'),
    },
    'A service hosting a webhook.',
    ['namespace', 'name'],
  ),
  [P + 'CustomResourceDefinitionStatus']: s.obj(
    {
      conditions,
      acceptedNames: s.ref(P + 'CustomResourceDefinitionNames', 'Names actually being served.'),
      storedVersions: s.strList('Versions objects have ever been stored in.'),
    },
    'State of a custom resource definition.',
  ),
  [P + 'CustomResourceDefinitionCondition']: s.obj(
    {
      type: s.str('Condition type.'),
      status: s.str('True, False or Unknown.'),
      lastTransitionTime: s.ref('io.k8s.apimachinery.pkg.apis.meta.v1.Time', 'When the status last changed.'),
      reason: s.str('Machine-readable reason for the last change.'),
      message: s.str('Human-readable details.'),
    },
    'A condition of a custom resource definition.',
    ['type', 'status'],
  ),
};
