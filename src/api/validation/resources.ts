/**
 * Container resource requirements: names of resources, quantities that parse and are not
 * negative, and requests no larger than limits — the checks the scheduler and kubelet rely on.
 */
import { fieldError, type FieldError } from '../errors.ts';
import { compareQuantities, parseQuantity, type Quantity } from '../quantity.ts';
import { isQualifiedName } from './names.ts';
import { obj, str, type Obj } from './util.ts';

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);

/** A resource name a container may ask for: cpu, memory, ephemeral-storage, hugepages-*, or domain/name. */
export function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => fieldError.invalid(path, name, m));
  if (errs.length) return errs;
  if (standardContainerResources.has(name) || name.startsWith('hugepages-')) return [];
  if (!name.includes('/'))
    return [fieldError.invalid(path, name, 'must be a standard resource for containers')];
  if (name.startsWith('kubernetes.io/') || name.startsWith('requests.'))
    return [fieldError.invalid(path, name, 'must be a standard resource for containers')];
  return [];
}

function parse(v: unknown): Quantity | undefined {
  try {
    return typeof v === 'string' || typeof v === 'number' ? parseQuantity(String(v)) : undefined;
  } catch {
    return undefined;
  }
}

/** Parses a list of quantities, reporting bad or negative values. */
export function validateResourceList(
  list: unknown,
  path: string,
  check = validateContainerResourceName,
): { errs: FieldError[]; parsed: Map<string, Quantity> } {
  const errs: FieldError[] = [];
  const parsed = new Map<string, Quantity>();
  for (const [k, v] of Object.entries(obj(list))) {
    const p = `${path}[${k}]`;
    errs.push(...check(k, p));
    const q = parse(v);
    if (!q) {
      errs.push(
        fieldError.invalid(
          p,
          v,
          "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        ),
      );
      continue;
    }
    if (compareQuantities(q, parseQuantity('0')) < 0)
      errs.push(fieldError.invalid(p, String(v), 'must be greater than or equal to 0'));
    parsed.set(k, q);
  }
  return { errs, parsed };
}

/** Checks a container's `resources`: valid limits and requests, requests <= limits, claims named. */
export function validateResourceRequirements(res: unknown, path: string): FieldError[] {
  const r: Obj = obj(res);
  const limits = validateResourceList(r.limits, `${path}.limits`);
  const requests = validateResourceList(r.requests, `${path}.requests`);
  const errs = [...limits.errs, ...requests.errs];
  for (const [name, req] of requests.parsed) {
    const lim = limits.parsed.get(name);
    if (lim && compareQuantities(req, lim) > 0)
      errs.push(
        fieldError.invalid(
          `${path}.requests[${name}]`,
          String(obj(r.requests)[name]),
          `must be less than or equal to ${name} limit of ${String(obj(r.limits)[name])}`,
        ),
      );
    if (name.startsWith('hugepages-') && lim && compareQuantities(req, lim) !== 0)
      errs.push(
        fieldError.invalid(
          `${path}.requests[${name}]`,
          String(obj(r.requests)[name]),
          `must be equal to ${name} limit`,
        ),
      );
  }
  const claims = Array.isArray(r.claims) ? r.claims : [];
  const seen = new Set<string>();
  claims.forEach((c, i) => {
    const name = str(obj(c).name);
    if (!name) errs.push(fieldError.required(`${path}.claims[${i}].name`));
    else if (seen.has(name)) errs.push(fieldError.duplicate(`${path}.claims[${i}].name`, name));
    seen.add(name);
  });
  return errs;
}
