/**
 * The tokens controller: a Secret of type kubernetes.io/service-account-token that names a
 * ServiceAccount (annotation kubernetes.io/service-account.name) is filled with `token` (a legacy
 * service-account JWT signed with the cluster's service-account key; it has no expiry and is valid
 * exactly as long as the Secret exists), `ca.crt` (the cluster CA) and `namespace`, and gets the
 * account's uid annotation. When the ServiceAccount goes (or is replaced under the same name), its
 * token Secrets are deleted. Keys are the Secrets' `namespace/name`.
 */
import type { DeepReadonly, KubeObject } from '../../api/object.ts';
import type { ResourceClient } from '../../client/client.ts';
import { deletedObject } from '../../client/informer.ts';
import { isNotFound } from '../../client/status.ts';
import { metaNamespaceKey, splitKey, type Lister } from '../../client/store.ts';
import { signLegacyServiceAccountToken } from '../../apiserver/authn/legacy-serviceaccount.ts';
import type { ControllerContext } from '../types.ts';
import { KeyedController } from './keyed.ts';

type RO<T> = DeepReadonly<T>;

export const serviceAccountTokenType = 'kubernetes.io/service-account-token';
export const serviceAccountNameAnnotation = 'kubernetes.io/service-account.name';
export const serviceAccountUidAnnotation = 'kubernetes.io/service-account.uid';

interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** Kubernetes' `serviceaccount-token` controller. */
export class TokensController extends KeyedController {
  readonly name = 'serviceaccount-token';
  private readonly signingKey: string;
  private readonly caPem: string;
  private secrets!: Lister<Secret>;
  private accounts!: Lister<KubeObject>;
  private secretClient!: ResourceClient<Secret>;
  private accountClient!: ResourceClient<KubeObject>;

  /** `signingKey`: the service-account private key (PEM) the API server verifies with; `caPem`: the cluster CA. */
  constructor(o: { signingKey: string; caPem: string }) {
    super();
    this.signingKey = o.signingKey;
    this.caPem = o.caPem;
  }

  protected setup(ctx: ControllerContext): void {
    this.secretClient = ctx.client.resource<Secret>('', 'v1', 'secrets');
    this.accountClient = ctx.client.resource('', 'v1', 'serviceaccounts');
    const secretInf = ctx.informers.forResource<Secret>('', 'v1', 'secrets');
    const saInf = ctx.informers.forResource('', 'v1', 'serviceaccounts');
    this.secrets = secretInf.lister;
    this.accounts = saInf.lister;
    const secret = (s: RO<Secret>): void => {
      if (s.type === serviceAccountTokenType) this.queue.add(metaNamespaceKey(s));
    };
    const account = (sa: RO<KubeObject>): void => {
      for (const s of this.tokenSecretsOf(sa.metadata.namespace ?? '', sa.metadata.name ?? ''))
        this.queue.add(metaNamespaceKey(s));
    };
    this.removers.push(
      secretInf.addEventHandler({
        onAdd: secret,
        onUpdate: (old, cur) => {
          if (old.metadata.resourceVersion !== cur.metadata.resourceVersion) secret(cur);
        },
      }),
      saInf.addEventHandler({
        onAdd: account,
        onUpdate: (old, cur) => {
          if (old.metadata.resourceVersion !== cur.metadata.resourceVersion) account(cur);
        },
        onDelete: (v) => account(deletedObject(v)),
      }),
    );
  }

  /** Token Secrets in `namespace` that name the account `name`. */
  private tokenSecretsOf(namespace: string, name: string): RO<Secret>[] {
    return this.secrets
      .namespace(namespace)
      .list()
      .filter(
        (s) =>
          s.type === serviceAccountTokenType &&
          s.metadata.annotations?.[serviceAccountNameAnnotation] === name,
      );
  }

  /**
   * The account the Secret names, if it exists with the uid the Secret recorded (if any). A miss in
   * the cache is confirmed with a live read, so a Secret created right after its account is not
   * deleted just because the cache lags.
   */
  private async liveAccount(secret: RO<Secret>): Promise<RO<KubeObject> | undefined> {
    const ns = secret.metadata.namespace ?? '';
    const name = secret.metadata.annotations?.[serviceAccountNameAnnotation] ?? '';
    const wantUid = secret.metadata.annotations?.[serviceAccountUidAnnotation];
    const matches = (sa: RO<KubeObject>): boolean => !wantUid || sa.metadata.uid === wantUid;
    const cached = this.accounts.get(ns, name);
    if (cached && matches(cached)) return cached;
    try {
      const live = await this.accountClient.get(ns, name);
      return matches(live) ? live : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const secret = this.secrets.get(namespace, name);
    if (!secret || secret.type !== serviceAccountTokenType || secret.metadata.deletionTimestamp) return;
    const sa = await this.liveAccount(secret);
    if (!sa) {
      try {
        await this.secretClient.delete(namespace, name, {
          preconditions: secret.metadata.uid ? { uid: secret.metadata.uid } : undefined,
        });
        this.log.info({ secret: key }, 'deleted token secret of a service account that no longer exists');
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return;
    }
    const data = secret.data ?? {};
    const uid = sa.metadata.uid ?? '';
    const want: Record<string, string> = { 'ca.crt': b64(this.caPem), namespace: b64(namespace) };
    const needsToken = !data.token;
    const stale =
      needsToken ||
      Object.entries(want).some(([k, v]) => data[k] !== v) ||
      secret.metadata.annotations?.[serviceAccountUidAnnotation] !== uid;
    if (!stale) return;
    const next = structuredClone(secret) as Secret;
    next.data = { ...next.data, ...want };
    if (needsToken) {
      const token = await signLegacyServiceAccountToken(this.signingKey, {
        namespace,
        serviceAccountName: sa.metadata.name ?? '',
        serviceAccountUid: uid,
        secretName: name,
      });
      next.data.token = b64(token);
    }
    next.metadata.annotations = { ...next.metadata.annotations, [serviceAccountUidAnnotation]: uid };
    try {
      await this.secretClient.update(namespace, next);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** Makes the tokens controller signing with `signingKey` (PEM) and publishing `caPem`. */
export function tokensController(o: { signingKey: string; caPem: string }): TokensController {
  return new TokensController(o);
}
