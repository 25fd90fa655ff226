/**
 * Schemas of authentication.k8s.io/v1: TokenReview, SelfSubjectReview (`kubectl auth whoami`) and
 * TokenRequest (the body of serviceaccounts/token, served by the core group).
 */
import { s, type Definitions } from '../../schema/types.ts';
import { kindSchema } from '../networking/kind-schema.ts';

const P = 'io.k8s.api.authentication.v1.';
const G = 'authentication.k8s.io';
const V = 'v1';

export const definitions: Definitions = {
  [P + 'TokenReview']: kindSchema(
    G,
    V,
    'TokenReview',
    'Asks the server to authenticate a bearer token.',
    {
      spec: s.ref(P + 'TokenReviewSpec', 'The token to check.'),
      status: s.ref(P + 'TokenReviewStatus', 'Who the token belongs to, filled in by the server.'),
    },
    ['spec'],
  ),
  [P + 'TokenReviewSpec']: s.obj(
    {
      token: s.str('The opaque bearer token.'),
      audiences: s.strList('Audiences the token must be valid for; the API server audiences when empty.'),
    },
    'A token to authenticate.',
  ),
  [P + 'TokenReviewStatus']: s.obj(
    {
      authenticated: s.bool('Whether the token is valid.'),
      user: s.ref(P + 'UserInfo', 'The user the token belongs to.'),
      audiences: s.strList('Audiences the token is valid for, among those asked.'),
      error: s.str('Why the token could not be checked.'),
    },
    'The outcome of a token review.',
  ),
  [P + 'UserInfo']: s.obj(
    {
      username: s.str('Unique name of the user.'),
      uid: s.str('Identifier that stays the same for the user over time.'),
      groups: s.strList('Groups the user belongs to.'),
      extra: s.mapOf(s.strList('Values of one attribute.'), 'Further attributes from the authenticator.'),
    },
    'Who a user is.',
  ),
  [P + 'SelfSubjectReview']: kindSchema(
    G,
    V,
    'SelfSubjectReview',
    'Asks the server who the requesting user is.',
    {
      status: s.ref(P + 'SelfSubjectReviewStatus', 'The user as the server sees it.'),
    },
  ),
  [P + 'SelfSubjectReviewStatus']: s.obj(
    { userInfo: s.ref(P + 'UserInfo', 'The requesting user.') },
    'The outcome of a self subject review.',
  ),
  [P + 'TokenRequest']: kindSchema(
    G,
    V,
    'TokenRequest',
    'Asks for a token of a service account.',
    {
      spec: s.ref(P + 'TokenRequestSpec', 'What token is wanted.'),
      status: s.ref(P + 'TokenRequestStatus', 'The issued token.'),
    },
    ['spec'],
  ),
  [P + 'TokenRequestSpec']: s.obj(
    {
      audiences: s.strList('Audiences the token is meant for.'),
      expirationSeconds: s.int64('Requested lifetime in seconds; the server may shorten it.'),
      boundObjectRef: s.ref(P + 'BoundObjectReference', 'An object whose deletion invalidates the token.'),
    },
    'Parameters of a requested token.',
    ['audiences'],
  ),
  [P + 'BoundObjectReference']: s.obj(
    {
      kind: s.str('Pod, Secret or Node.'),
      apiVersion: s.str('API version of the object.'),
      name: s.str('Name of the object.'),
      uid: s.str('UID of the object.'),
    },
    'An object a token is bound to.',
  ),
  [P + 'TokenRequestStatus']: s.obj(
    {
      token: s.str('The token.'),
      expirationTimestamp: s.ref(
        'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
        'When the token stops being valid.',
      ),
    },
    'An issued token.',
    ['token', 'expirationTimestamp'],
  ),
};
