/**
 * Pod volumes: unique DNS-1123 label names, exactly one source each, and the required parts of the
 * common sources (configMap, secret, PVC, hostPath, NFS, projected, CSI, ephemeral, …).
 */
import { fieldError, type FieldError } from '../errors.ts';
import { podVolumeSources } from '../kinds/core/pod-defaults.ts';
import { isConfigMapKey, isDNS1123Label, isDNS1123Subdomain } from './names.ts';
import { nameErrors, obj, objects, setKeys, str, validateLocalDescendingPath, type Obj } from './util.ts';

function validateMode(mode: unknown, path: string): FieldError[] {
  if (mode === undefined || mode === null) return [];
  return typeof mode === 'number' && Number.isInteger(mode) && mode >= 0 && mode <= 0o777
    ? []
    : [fieldError.invalid(path, mode, 'must be a number between 0 and 0777 (octal), both inclusive')];
}

function validateKeyToPaths(items: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  objects(items).forEach((it, i) => {
    const at = `${path}[${i}]`;
    const key = str(it.key);
    if (!key) errs.push(fieldError.required(`${at}.key`));
    else errs.push(...nameErrors(key, `${at}.key`, isConfigMapKey));
    const p = str(it.path);
    if (!p) errs.push(fieldError.required(`${at}.path`));
    else errs.push(...validateLocalDescendingPath(p, `${at}.path`));
    errs.push(...validateMode(it.mode, `${at}.mode`));
  });
  return errs;
}

function validateDownwardAPIItems(items: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  objects(items).forEach((it, i) => {
    const at = `${path}[${i}]`;
    const p = str(it.path);
    if (!p) errs.push(fieldError.required(`${at}.path`));
    else errs.push(...validateLocalDescendingPath(p, `${at}.path`));
    errs.push(...validateMode(it.mode, `${at}.mode`));
    const refs = setKeys(it, ['fieldRef', 'resourceFieldRef']);
    if (refs.length !== 1)
      errs.push(
        fieldError.invalid(at, '', 'fieldRef and resourceFieldRef can not be specified simultaneously'),
      );
    if (it.fieldRef !== undefined && !str(obj(it.fieldRef).fieldPath))
      errs.push(fieldError.required(`${at}.fieldRef.fieldPath`));
  });
  return errs;
}

function required(o: Obj, keys: string[], path: string): FieldError[] {
  return keys
    .filter((k) => o[k] === undefined || o[k] === '' || o[k] === null)
    .map((k) => fieldError.required(`${path}.${k}`));
}

function validateSource(kind: string, src: Obj, path: string): FieldError[] {
  const at = `${path}.${kind}`;
  switch (kind) {
    case 'hostPath': {
      const errs = required(src, ['path'], at);
      const types = [
        '',
        'DirectoryOrCreate',
        'Directory',
        'FileOrCreate',
        'File',
        'Socket',
        'CharDevice',
        'BlockDevice',
      ];
      if (src.type !== undefined && !types.includes(str(src.type)))
        errs.push(fieldError.notSupported(`${at}.type`, src.type, types));
      return errs;
    }
    case 'emptyDir': {
      const media = ['', 'Memory', 'HugePages', 'HugePages-2Mi', 'HugePages-1Gi'];
      return src.medium !== undefined &&
        !media.includes(str(src.medium)) &&
        !str(src.medium).startsWith('HugePages-')
        ? [fieldError.notSupported(`${at}.medium`, src.medium, media)]
        : [];
    }
    case 'secret':
      return [
        ...(src.secretName !== undefined
          ? nameErrors(str(src.secretName), `${at}.secretName`, isDNS1123Subdomain)
          : [fieldError.required(`${at}.secretName`)]),
        ...validateMode(src.defaultMode, `${at}.defaultMode`),
        ...validateKeyToPaths(src.items, `${at}.items`),
      ];
    case 'configMap':
      return [
        ...(str(src.name)
          ? nameErrors(str(src.name), `${at}.name`, isDNS1123Subdomain)
          : [fieldError.required(`${at}.name`)]),
        ...validateMode(src.defaultMode, `${at}.defaultMode`),
        ...validateKeyToPaths(src.items, `${at}.items`),
      ];
    case 'persistentVolumeClaim':
      return required(src, ['claimName'], at);
    case 'nfs':
      return required(src, ['server', 'path'], at);
    case 'iscsi':
      return required(src, ['targetPortal', 'iqn'], at);
    case 'csi':
      return required(src, ['driver'], at);
    case 'downwardAPI':
      return [
        ...validateMode(src.defaultMode, `${at}.defaultMode`),
        ...validateDownwardAPIItems(src.items, `${at}.items`),
      ];
    case 'projected': {
      const errs = validateMode(src.defaultMode, `${at}.defaultMode`);
      objects(src.sources).forEach((s, i) => {
        const sp = `${at}.sources[${i}]`;
        const set = setKeys(s, [
          'secret',
          'configMap',
          'downwardAPI',
          'serviceAccountToken',
          'clusterTrustBundle',
        ]);
        if (set.length !== 1)
          errs.push(fieldError.forbidden(sp, 'may not specify more than 1 volume type per source'));
        if (s.secret !== undefined)
          errs.push(...validateKeyToPaths(obj(s.secret).items, `${sp}.secret.items`));
        if (s.configMap !== undefined)
          errs.push(...validateKeyToPaths(obj(s.configMap).items, `${sp}.configMap.items`));
        if (s.downwardAPI !== undefined)
          errs.push(...validateDownwardAPIItems(obj(s.downwardAPI).items, `${sp}.downwardAPI.items`));
        if (s.serviceAccountToken !== undefined) {
          const t = obj(s.serviceAccountToken);
          if (!str(t.path)) errs.push(fieldError.required(`${sp}.serviceAccountToken.path`));
          const exp = t.expirationSeconds;
          if (typeof exp === 'number' && exp < 600)
            errs.push(
              fieldError.invalid(
                `${sp}.serviceAccountToken.expirationSeconds`,
                exp,
                'may not specify a duration less than 10 minutes',
              ),
            );
          if (typeof exp === 'number' && exp > 2 ** 32)
            errs.push(
              fieldError.invalid(
                `${sp}.serviceAccountToken.expirationSeconds`,
                exp,
                'may not specify a duration larger than 2^32 seconds',
              ),
            );
        }
      });
      return errs;
    }
    case 'ephemeral':
      return src.volumeClaimTemplate === undefined ? [fieldError.required(`${at}.volumeClaimTemplate`)] : [];
    case 'gcePersistentDisk':
      return required(src, ['pdName'], at);
    case 'awsElasticBlockStore':
      return required(src, ['volumeID'], at);
    case 'rbd':
      return required(src, ['monitors', 'image'], at);
    case 'cephfs':
      return required(src, ['monitors'], at);
    case 'glusterfs':
      return required(src, ['endpoints', 'path'], at);
    case 'flexVolume':
      return required(src, ['driver'], at);
    case 'azureFile':
      return required(src, ['secretName', 'shareName'], at);
    case 'azureDisk':
      return required(src, ['diskName', 'diskURI'], at);
    case 'cinder':
      return required(src, ['volumeID'], at);
    case 'gitRepo':
      return required(src, ['repository'], at);
    default:
      return [];
  }
}

/**
 * Checks the pod's volumes at `path` (e.g. `spec.volumes`) and returns them by name, so container
 * mounts can be checked against them.
 */
export function validateVolumes(
  volumes: unknown,
  path: string,
): { errs: FieldError[]; byName: Map<string, Obj> } {
  const errs: FieldError[] = [];
  const byName = new Map<string, Obj>();
  objects(volumes).forEach((v, i) => {
    const at = `${path}[${i}]`;
    const name = str(v.name);
    if (!name) errs.push(fieldError.required(`${at}.name`));
    else {
      errs.push(...nameErrors(name, `${at}.name`, isDNS1123Label));
      if (byName.has(name)) errs.push(fieldError.duplicate(`${at}.name`, name));
      else byName.set(name, v);
    }
    const sources = setKeys(v, podVolumeSources);
    if (sources.length === 0) errs.push(fieldError.required(at, 'must specify a volume type'));
    for (const extra of sources.slice(1))
      errs.push(fieldError.forbidden(`${at}.${extra}`, 'may not specify more than 1 volume type'));
    for (const kind of sources) errs.push(...validateSource(kind, obj(v[kind]), at));
  });
  return { errs, byName };
}
