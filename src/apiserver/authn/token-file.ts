/**
 * Static bearer tokens from a CSV file in kube-apiserver's `--token-auth-file` format:
 *   token,user,uid[,"group1,group2"]
 * Blank lines and lines starting with `#` are skipped; columns past the fourth are ignored.
 * Tokens are compared in constant time (against SHA-256 digests, so length leaks nothing either).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { Authenticator } from './authenticator.ts';
import { bearerToken } from './bearer.ts';
import { freezeUser, withAuthenticatedGroup } from './user.ts';
import type { UserInfo } from './user.ts';

/** One line of a token file. */
export interface StaticToken {
  token: string;
  user: UserInfo;
}

/** Splits one CSV line into fields; double quotes group commas, `""` inside quotes is a quote. */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) throw new Error('unterminated quoted field');
  fields.push(field);
  return fields;
}

/** Parses a token file; throws with the line number on a malformed line. */
export function parseTokenFile(text: string): StaticToken[] {
  const tokens: StaticToken[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === '' || line.startsWith('#')) continue;
    let fields: string[];
    try {
      fields = parseCsvLine(line);
    } catch (err) {
      throw new Error(`token file line ${n + 1}: ${(err as Error).message}`, { cause: err });
    }
    if (fields.length < 3) {
      throw new Error(
        `token file line ${n + 1}: needs at least 3 columns (token, user name, user uid), found ${fields.length}`,
      );
    }
    const [token, name, uid] = fields;
    if (token === '') throw new Error(`token file line ${n + 1}: empty token`);
    if (name === '') throw new Error(`token file line ${n + 1}: empty user name`);
    const groups = (fields[3] ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter((g) => g !== '');
    const user: UserInfo = { name, groups: withAuthenticatedGroup(groups) };
    if (uid !== '') user.uid = uid;
    tokens.push({ token, user: freezeUser(user) });
  }
  return tokens;
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/**
 * Authenticates bearer tokens listed in `tokens`. A token not in the list resolves undefined, so a
 * later authenticator (service accounts) may still accept it.
 */
export function tokenFileAuthenticator(tokens: readonly StaticToken[]): Authenticator {
  const entries = tokens.map((t) => ({ hash: digest(t.token), user: t.user }));
  return {
    authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
      const token = bearerToken(req);
      if (token === undefined) return Promise.resolve(undefined);
      const hash = digest(token);
      let found: UserInfo | undefined;
      // No early exit: every entry is compared, so timing says nothing about which one matched.
      for (const e of entries) {
        if (timingSafeEqual(e.hash, hash) && found === undefined) found = e.user;
      }
      return Promise.resolve(found);
    },
  };
}

/** Reads and parses a token file from disk. */
export async function loadTokenFile(path: string): Promise<StaticToken[]> {
  return parseTokenFile(await readFile(path, 'utf8'));
}
