import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, errorFromBody, errorMessage } from './status.ts';

test('errorFromBody reads a Status: code, reason, message and causes', () => {
  const body = JSON.stringify({
    kind: 'Status',
    status: 'Failure',
    code: 422,
    reason: 'Invalid',
    message: 'Deployment.apps "x" is invalid: spec.replicas: Invalid value: -1',
    details: { causes: [{ field: 'spec.replicas', message: 'Invalid value: -1' }] },
  });
  const err = errorFromBody(422, 'Unprocessable Entity', body);
  assert.ok(err instanceof ApiError);
  assert.equal(err.code, 422);
  assert.equal(err.reason, 'Invalid');
  assert.match(err.message, /spec\.replicas/);
  assert.deepEqual(err.causes, [{ field: 'spec.replicas', message: 'Invalid value: -1' }]);
});

test('errorFromBody falls back to the body text or the status line', () => {
  assert.equal(errorFromBody(502, 'Bad Gateway', 'upstream down\n').message, 'upstream down');
  assert.equal(errorFromBody(503, 'Service Unavailable', '').message, 'HTTP 503 Service Unavailable');
  assert.equal(errorFromBody(404, 'Not Found', '{"kind":"Other"}').code, 404);
});

test('errorMessage of anything', () => {
  assert.equal(errorMessage(new Error('x')), 'x');
  assert.equal(errorMessage('y'), 'y');
});
