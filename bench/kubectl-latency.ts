/**
 * Wall-clock time of everyday kubectl commands against berth (get, get -o yaml, apply unchanged),
 * with `kubectl version --client` — process start, no server — as the same-run baseline, so the
 * ratio shows what the server adds. Args: --runs N (15).
 */
import { parseArgs } from 'node:util';
import { kubectlSession } from '../test/helpers/kubectl.ts';
import { startServer } from '../test/helpers/server.ts';
import { createSuite } from './harness.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Number(values.runs);

const server = await startServer();
const k = kubectlSession(undefined, server.kubeconfig);
try {
  const manifest = `apiVersion: v1
kind: ConfigMap
metadata: { name: lat, namespace: default, labels: { bench: "yes" } }
data: { a: "1" }
`;
  await k.ok(['apply', '-f', '-'], { input: manifest });
  const baseline = (): Promise<string> => k.ok(['version', '--client']);
  const suite = createSuite('kubectl-latency');
  await suite.bench('get configmaps', { runs, warmup: 2, fn: () => k.ok(['get', 'cm']), baseline });
  await suite.bench('get cm -o yaml', {
    runs,
    warmup: 2,
    fn: () => k.ok(['get', 'cm', 'lat', '-o', 'yaml']),
    baseline,
  });
  await suite.bench('apply (unchanged)', {
    runs,
    warmup: 2,
    fn: () => k.ok(['apply', '-f', '-'], { input: manifest }),
    baseline,
  });
  await suite.bench('api-resources (cached discovery)', {
    runs,
    warmup: 2,
    fn: () => k.ok(['api-resources']),
    baseline,
  });
  suite.finish();
} finally {
  await k.close();
  await server.stop();
}
