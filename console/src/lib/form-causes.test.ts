import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../api/status.ts';
import { causeFieldErrors } from './form-causes.ts';

test('causes become field errors; unmapped causes clear `all`', () => {
  const toField = (f: string | undefined) => (f?.startsWith('metadata.name') ? ['name'] : undefined);
  const err = new ApiError(422, 'Invalid', 'refused', [
    { field: 'metadata.name', message: 'bad name' },
    { field: 'metadata.name', message: 'too long' },
    { field: 'spec.x', message: 'other' },
  ]);
  assert.deepEqual(causeFieldErrors(err, toField), {
    fields: [{ name: ['name'], errors: ['bad name', 'too long'] }],
    all: false,
  });
  const only = new ApiError(422, 'Invalid', 'refused', [{ field: 'metadata.name' }]);
  assert.deepEqual(causeFieldErrors(only, toField), {
    fields: [{ name: ['name'], errors: ['refused'] }],
    all: true,
  });
  assert.deepEqual(causeFieldErrors(new Error('x'), toField), { fields: [], all: false });
  assert.deepEqual(causeFieldErrors(new ApiError(409, 'Conflict', 'c'), toField), { fields: [], all: false });
});
