import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverVersion } from '../../apiserver/server.ts';
import { kubeletVersion } from './version.ts';

test('the agent reports the Kubernetes version the API server serves', () => {
  assert.equal(kubeletVersion, serverVersion.gitVersion);
});
