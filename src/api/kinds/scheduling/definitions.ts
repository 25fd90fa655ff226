/** Schemas of scheduling.k8s.io/v1: PriorityClass. */
import { s, type Definitions } from '../../schema/types.ts';
import { kindSchema, listSchema } from '../networking/kind-schema.ts';

const P = 'io.k8s.api.scheduling.v1.';

export const definitions: Definitions = {
  [P + 'PriorityClass']: kindSchema(
    'scheduling.k8s.io',
    'v1',
    'PriorityClass',
    'A named pod priority; pods refer to it by priorityClassName.',
    {
      value: s.int32('The priority; higher runs first. User classes may go up to 1000000000.'),
      globalDefault: s.bool('Whether pods without a class get this one; at most one class may set it.'),
      description: s.str('When to use this class.'),
      preemptionPolicy: s.enumOf(
        ['Never', 'PreemptLowerPriority'],
        'Whether pods of this class may evict lower-priority pods; immutable.',
      ),
    },
    ['value'],
  ),
  [P + 'PriorityClassList']: listSchema('scheduling.k8s.io', 'v1', 'PriorityClass', P + 'PriorityClass'),
};
