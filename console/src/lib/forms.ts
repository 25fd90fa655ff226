/**
 * Small form rules shared by pages: names that the API will accept, and the request bodies the
 * console's actions send (scale, create namespace, delete options).
 */

/** Why `name` is not a valid DNS-1123 label (namespaces), or undefined when it is. */
export function dnsLabelError(name: string): string | undefined {
  if (name === '') return 'a name is required';
  if (name.length > 63) return 'at most 63 characters';
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
    return 'lower-case letters, digits and "-", starting and ending with a letter or digit';
  }
  return undefined;
}

/** Why `n` is not a valid replica count, or undefined. */
export function replicasError(n: unknown): string | undefined {
  if (typeof n !== 'number' || !Number.isInteger(n)) return 'a whole number is required';
  if (n < 0) return 'must be 0 or more';
  if (n > 10_000) return 'at most 10000';
  return undefined;
}

/** Merge patch body for the scale subresource. */
export function scalePatch(replicas: number): { spec: { replicas: number } } {
  return { spec: { replicas } };
}

/** A new Namespace object. */
export function namespaceObject(name: string): {
  apiVersion: 'v1';
  kind: 'Namespace';
  metadata: { name: string };
} {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

/** DeleteOptions: dependents are removed by the garbage collector after the owner is gone. */
export function deleteOptions(propagation: 'Background' | 'Foreground' | 'Orphan' = 'Background'): {
  kind: 'DeleteOptions';
  apiVersion: 'v1';
  propagationPolicy: string;
} {
  return { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: propagation };
}

/** A starter manifest for the "create from YAML" dialog. */
export function deploymentTemplate(namespace: string): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    `  namespace: ${namespace}`,
    'spec:',
    '  replicas: 2',
    '  selector:',
    '    matchLabels:',
    '      app: web',
    '  template:',
    '    metadata:',
    '      labels:',
    '        app: web',
    '    spec:',
    '      containers:',
    '        - name: web',
    '          image: nginx:1.27',
    '',
  ].join('\n');
}
