/**
 * Puts a server's refusal on a form: each Status cause whose `field` a page can map to one of its
 * form fields becomes that field's error (several causes on one field are listed together); the
 * caller shows the whole error above the form too, so a cause no field took is never lost.
 */
import { ApiError } from '../api/status.ts';

/** A form field's path, as antd's Form names it. */
export type FormPath = (string | number)[];

/** One field's errors, in the shape `form.setFields` takes. */
export interface FieldErrors {
  name: FormPath;
  errors: string[];
}

/**
 * The field errors for `err`'s causes, by `toField` (undefined: no field of the form matches);
 * `all` is true when every cause found a field (false as well for errors without causes).
 */
export function causeFieldErrors(
  err: unknown,
  toField: (field: string | undefined) => FormPath | undefined,
): { fields: FieldErrors[]; all: boolean } {
  if (!(err instanceof ApiError) || err.causes.length === 0) return { fields: [], all: false };
  const byField = new Map<string, FieldErrors>();
  let all = true;
  for (const c of err.causes) {
    const name = toField(c.field);
    if (!name) {
      all = false;
      continue;
    }
    const key = JSON.stringify(name);
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(c.message ?? err.message);
    byField.set(key, entry);
  }
  return { fields: [...byField.values()], all };
}
