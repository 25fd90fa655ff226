/**
 * The JSONSchemaProps definitions: the OpenAPI v3 schema language CRDs are written in, defined
 * recursively through $ref to itself. Fields holding arbitrary JSON (default, enum values, example)
 * or a "schema or something else" union keep any value, as Kubernetes' own definitions allow.
 */
import { s, type Definitions } from '../../schema/types.ts';

export const P = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.';
const SELF = P + 'JSONSchemaProps';
const self = (description: string) => s.ref(SELF, description);
const selfMap = (description: string) => s.mapOf(s.ref(SELF), description);
const selfList = (description: string) => s.list(s.ref(SELF), description);

export const schemaDefinitions: Definitions = {
  [SELF]: s.obj(
    {
      id: s.str('Identifier of the schema.'),
      $schema: s.str('JSON Schema dialect URI.'),
      $ref: s.str('Reference to another schema (not allowed in CRDs).'),
      description: s.str('What the field means.'),
      type: s.str('object, array, string, integer, number or boolean.'),
      format: s.str('Refinement of the type, e.g. int32, date-time, byte.'),
      title: s.str('Short title.'),
      default: s.ref(P + 'JSON', 'Value used when the field is absent.'),
      maximum: s.num('Largest allowed number.'),
      exclusiveMaximum: s.bool('Whether maximum itself is excluded.'),
      minimum: s.num('Smallest allowed number.'),
      exclusiveMinimum: s.bool('Whether minimum itself is excluded.'),
      maxLength: s.int64('Longest allowed string.'),
      minLength: s.int64('Shortest allowed string.'),
      pattern: s.str('Regular expression strings must match.'),
      maxItems: s.int64('Most items allowed in an array.'),
      minItems: s.int64('Fewest items allowed in an array.'),
      uniqueItems: s.bool('Whether array items must differ.'),
      multipleOf: s.num('Numbers must be a multiple of this.'),
      enum: s.list(s.ref(P + 'JSON'), 'The allowed values.'),
      maxProperties: s.int64('Most properties allowed in an object.'),
      minProperties: s.int64('Fewest properties allowed in an object.'),
      required: s.strList('Properties that must be present.'),
      items: s.ref(P + 'JSONSchemaPropsOrArray', 'Schema of array items.'),
      allOf: selfList('Schemas that must all match.'),
      oneOf: selfList('Schemas of which exactly one must match.'),
      anyOf: selfList('Schemas of which at least one must match.'),
      not: self('Schema that must not match.'),
      properties: selfMap('Schemas of the named properties.'),
      additionalProperties: s.ref(
        P + 'JSONSchemaPropsOrBool',
        'Schema of properties not named, or whether they are allowed.',
      ),
      patternProperties: selfMap('Schemas of properties whose names match a pattern.'),
      dependencies: s.mapOf(
        s.ref(P + 'JSONSchemaPropsOrStringArray'),
        'Properties or schemas required when a property is present.',
      ),
      additionalItems: s.ref(P + 'JSONSchemaPropsOrBool', 'Schema of extra array items.'),
      definitions: selfMap('Named schemas.'),
      externalDocs: s.ref(P + 'ExternalDocumentation', 'Where to read more.'),
      example: s.ref(P + 'JSON', 'An example value.'),
      nullable: s.bool('Whether null is allowed (and kept).'),
      'x-kubernetes-preserve-unknown-fields': s.bool(
        'Keep fields the schema does not name instead of pruning them.',
      ),
      'x-kubernetes-embedded-resource': s.bool(
        'The field holds a whole object with apiVersion, kind and metadata.',
      ),
      'x-kubernetes-int-or-string': s.bool('The field takes an integer or a string.'),
      'x-kubernetes-list-map-keys': s.strList('Keys that identify items of a map-type list.'),
      'x-kubernetes-list-type': s.str('atomic, set or map: how apply merges the list.'),
      'x-kubernetes-map-type': s.str('granular or atomic: how apply merges the map.'),
      'x-kubernetes-validations': {
        ...s.list(s.ref(P + 'ValidationRule'), 'CEL rules the value must satisfy.'),
        'x-kubernetes-patch-strategy': 'merge',
        'x-kubernetes-patch-merge-key': 'rule',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['rule'],
      },
    },
    'A JSON schema (OpenAPI v3 subset) describing a value.',
  ),
  [P + 'JSON']: s.any('Any JSON value.'),
  [P + 'JSONSchemaPropsOrArray']: s.any('A schema, or a list of schemas.'),
  [P + 'JSONSchemaPropsOrBool']: s.any('A schema, or a boolean.'),
  [P + 'JSONSchemaPropsOrStringArray']: s.any('A schema, or a list of property names.'),
  [P + 'ExternalDocumentation']: s.obj(
    { description: s.str('What the link holds.'), url: s.str('The link.') },
    'A link to more documentation.',
  ),
  [P + 'ValidationRule']: s.obj(
    {
      rule: s.str('The CEL expression.'),
      message: s.str('Message shown when the rule fails.'),
      messageExpression: s.str('CEL expression producing the failure message.'),
      reason: s.enumOf(
        ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'],
        'Reason reported when the rule fails.',
      ),
      fieldPath: s.str('Path of the field reported when the rule fails.'),
      optionalOldSelf: s.bool('Evaluate the rule on create too, with oldSelf unset.'),
    },
    'A CEL validation rule.',
    ['rule'],
  ),
};
