/**
 * Pod spec validation, shared by pods and every workload that embeds a pod template (apps, batch).
 * Runs after defaulting, so fields Kubernetes defaults (restartPolicy, dnsPolicy, imagePullPolicy,
 * terminationMessagePolicy, port protocol) are required here just as they are in Kubernetes.
 */
import { fieldError, type FieldError } from '../errors.ts';
import { isObject } from '../object.ts';
import { validateContainer, isValidSysctlName, type ContainerKind } from './container.ts';
import { validateAnnotations, validateLabels } from './meta.ts';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidIP } from './names.ts';
import { validateAffinity, validateTolerations, validateTopologySpreadConstraints } from './scheduling.ts';
import { nameErrors, nonNegative, obj, objects, oneOf, str, type Obj } from './util.ts';
import { validateVolumes } from './volume.ts';

const restartPolicies = ['Always', 'OnFailure', 'Never'];
const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

function validateDNS(spec: Obj, path: string): FieldError[] {
  const errs = oneOf(spec.dnsPolicy, `${path}.dnsPolicy`, dnsPolicies);
  const cfg = spec.dnsConfig;
  if (
    spec.dnsPolicy === 'None' &&
    (!isObject(cfg) || !Array.isArray(cfg.nameservers) || cfg.nameservers.length === 0)
  )
    errs.push(fieldError.required(`${path}.dnsConfig`, 'must provide `dnsConfig` when `dnsPolicy` is None'));
  if (!isObject(cfg)) return errs;
  const cp = `${path}.dnsConfig`;
  const ns = Array.isArray(cfg.nameservers) ? cfg.nameservers : [];
  if (ns.length > 3)
    errs.push(fieldError.invalid(`${cp}.nameservers`, ns, 'must not have more than 3 nameservers'));
  ns.forEach((n, i) => errs.push(...nameErrors(String(n), `${cp}.nameservers[${i}]`, isValidIP)));
  const searches = Array.isArray(cfg.searches) ? cfg.searches : [];
  if (searches.length > 32)
    errs.push(fieldError.invalid(`${cp}.searches`, searches, 'must not have more than 32 search paths'));
  searches.forEach((s, i) => {
    const v = String(s);
    if (v !== '.')
      errs.push(
        ...nameErrors(v.endsWith('.') ? v.slice(0, -1) : v, `${cp}.searches[${i}]`, isDNS1123Subdomain),
      );
  });
  objects(cfg.options).forEach((o, i) => {
    if (!str(o.name))
      errs.push(fieldError.required(`${cp}.options[${i}].name`, 'Option.Name must not be empty'));
  });
  return errs;
}

function validatePodSecurityContext(sc: unknown, path: string): FieldError[] {
  if (!isObject(sc)) return [];
  const errs: FieldError[] = [];
  for (const f of ['runAsUser', 'runAsGroup', 'fsGroup']) errs.push(...nonNegative(sc[f], `${path}.${f}`));
  (Array.isArray(sc.supplementalGroups) ? sc.supplementalGroups : []).forEach((g, i) =>
    errs.push(...nonNegative(g, `${path}.supplementalGroups[${i}]`)),
  );
  errs.push(
    ...oneOf(sc.fsGroupChangePolicy, `${path}.fsGroupChangePolicy`, ['OnRootMismatch', 'Always'], false),
  );
  errs.push(
    ...oneOf(sc.supplementalGroupsPolicy, `${path}.supplementalGroupsPolicy`, ['Merge', 'Strict'], false),
  );
  objects(sc.sysctls).forEach((s, i) => {
    const name = str(s.name);
    if (!name) errs.push(fieldError.required(`${path}.sysctls[${i}].name`));
    else if (!isValidSysctlName(name))
      errs.push(
        fieldError.invalid(
          `${path}.sysctls[${i}].name`,
          name,
          'must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$',
        ),
      );
  });
  return errs;
}

function validateHostPortConflicts(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  objects(spec.containers).forEach((c, ci) =>
    objects(c.ports).forEach((p, pi) => {
      if (typeof p.hostPort !== 'number' || p.hostPort === 0) return;
      const key = `${str(p.protocol)}/${str(p.hostIP)}/${p.hostPort}`;
      if (seen.has(key))
        errs.push(fieldError.duplicate(`${path}.containers[${ci}].ports[${pi}].hostPort`, key));
      seen.add(key);
    }),
  );
  return errs;
}

/**
 * Checks a PodSpec at `path` (e.g. `spec.template.spec`): containers (required, names unique across
 * regular, init and ephemeral containers), volumes and mounts, restart and DNS policy, scheduling
 * fields, security context and the remaining scalar fields.
 */
export function validatePodSpec(specValue: unknown, path: string): FieldError[] {
  const spec = obj(specValue);
  const errs: FieldError[] = [];
  const vols = validateVolumes(spec.volumes, `${path}.volumes`);
  errs.push(...vols.errs);
  const hostNetwork = spec.hostNetwork === true;
  const names = new Set<string>();
  const groups: [string, ContainerKind][] = [
    ['initContainers', 'init'],
    ['containers', 'container'],
    ['ephemeralContainers', 'ephemeral'],
  ];
  if (objects(spec.containers).length === 0) errs.push(fieldError.required(`${path}.containers`));
  for (const [field, kind] of groups) {
    objects(spec[field]).forEach((c, i) => {
      const at = `${path}.${field}[${i}]`;
      const name = str(c.name);
      if (!name) errs.push(fieldError.required(`${at}.name`));
      else {
        errs.push(...nameErrors(name, `${at}.name`, isDNS1123Label));
        if (names.has(name)) errs.push(fieldError.duplicate(`${at}.name`, name));
        names.add(name);
      }
      errs.push(...validateContainer(c, at, { kind, volumes: vols.byName, hostNetwork }));
    });
  }
  errs.push(...validateHostPortConflicts(spec, path));
  errs.push(...oneOf(spec.restartPolicy, `${path}.restartPolicy`, restartPolicies));
  errs.push(...validateDNS(spec, path));
  errs.push(...validateLabels(obj(spec.nodeSelector) as Record<string, string>, `${path}.nodeSelector`));
  errs.push(...validatePodSecurityContext(spec.securityContext, `${path}.securityContext`));
  errs.push(...validateTolerations(spec.tolerations, `${path}.tolerations`));
  errs.push(...validateAffinity(spec.affinity, `${path}.affinity`));
  errs.push(
    ...validateTopologySpreadConstraints(spec.topologySpreadConstraints, `${path}.topologySpreadConstraints`),
  );
  for (const f of ['serviceAccountName', 'nodeName', 'priorityClassName'])
    if (str(spec[f])) errs.push(...nameErrors(str(spec[f]), `${path}.${f}`, isDNS1123Subdomain));
  for (const f of ['hostname', 'subdomain'])
    if (str(spec[f])) errs.push(...nameErrors(str(spec[f]), `${path}.${f}`, isDNS1123Label));
  const ads = spec.activeDeadlineSeconds;
  if (ads !== undefined && ads !== null && (typeof ads !== 'number' || ads < 1 || ads > 2147483647))
    errs.push(
      fieldError.invalid(`${path}.activeDeadlineSeconds`, ads, 'must be between 1 and 2147483647, inclusive'),
    );
  errs.push(
    ...oneOf(spec.preemptionPolicy, `${path}.preemptionPolicy`, ['PreemptLowerPriority', 'Never'], false),
  );
  if (isObject(spec.os)) errs.push(...oneOf(spec.os.name, `${path}.os.name`, ['linux', 'windows']));
  objects(spec.imagePullSecrets).forEach((s, i) => {
    if (!str(s.name)) errs.push(fieldError.required(`${path}.imagePullSecrets[${i}].name`));
  });
  objects(spec.hostAliases).forEach((h, i) => {
    const at = `${path}.hostAliases[${i}]`;
    errs.push(...nameErrors(str(h.ip), `${at}.ip`, isValidIP));
    (Array.isArray(h.hostnames) ? h.hostnames : []).forEach((n, j) =>
      errs.push(...nameErrors(String(n), `${at}.hostnames[${j}]`, isDNS1123Subdomain)),
    );
  });
  objects(spec.readinessGates).forEach((g, i) =>
    errs.push(
      ...nameErrors(str(g.conditionType), `${path}.readinessGates[${i}].conditionType`, isQualifiedName),
    ),
  );
  objects(spec.schedulingGates).forEach((g, i) => {
    errs.push(...nameErrors(str(g.name), `${path}.schedulingGates[${i}].name`, isQualifiedName));
  });
  if (spec.hostUsers === false && (hostNetwork || spec.hostPID === true || spec.hostIPC === true))
    errs.push(
      fieldError.forbidden(
        `${path}.hostUsers`,
        'when `hostUsers` is false, `hostNetwork`, `hostPID` and `hostIPC` must be false',
      ),
    );
  return errs;
}

/**
 * Checks a PodTemplateSpec at `path` (e.g. `spec.template`): its metadata labels and annotations,
 * then its spec at `${path}.spec`.
 */
export function validatePodTemplateSpec(tplValue: unknown, path: string): FieldError[] {
  const tpl = obj(tplValue);
  const meta = obj(tpl.metadata);
  return [
    ...validateLabels(obj(meta.labels) as Record<string, string>, `${path}.metadata.labels`),
    ...validateAnnotations(obj(meta.annotations) as Record<string, string>, `${path}.metadata.annotations`),
    ...validatePodSpec(tpl.spec, `${path}.spec`),
  ];
}
