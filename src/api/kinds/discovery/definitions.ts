/** Schemas of discovery.k8s.io/v1: EndpointSlice and the endpoint and port types it holds. */
import { s, type Definitions } from '../../schema/types.ts';
import { kindSchema, listSchema } from '../networking/kind-schema.ts';

const P = 'io.k8s.api.discovery.v1.';
const G = 'discovery.k8s.io';
const V = 'v1';

export const definitions: Definitions = {
  [P + 'EndpointSlice']: kindSchema(
    G,
    V,
    'EndpointSlice',
    'A slice of the network endpoints behind a service.',
    {
      addressType: s.enumOf(
        ['FQDN', 'IPv4', 'IPv6'],
        'Kind of address every endpoint of the slice carries; immutable.',
      ),
      endpoints: s.list(s.ref(P + 'Endpoint'), 'The endpoints; at most 1000.'),
      ports: s.list(
        s.ref(P + 'EndpointPort'),
        'Ports every endpoint of the slice exposes; empty means none are known.',
      ),
    },
    ['addressType', 'endpoints'],
  ),
  [P + 'EndpointSliceList']: listSchema(G, V, 'EndpointSlice', P + 'EndpointSlice'),
  [P + 'Endpoint']: s.obj(
    {
      addresses: s.strList('Addresses of the endpoint; consumers use the first.', {
        'x-kubernetes-list-type': 'set',
      }),
      conditions: s.ref(P + 'EndpointConditions', 'Current state of the endpoint.'),
      hostname: s.str('Host name of the endpoint, a DNS label.'),
      targetRef: s.ref(
        'io.k8s.api.core.v1.ObjectReference',
        'The object (usually a pod) behind the endpoint.',
      ),
      deprecatedTopology: s.strMap('Old per-endpoint topology labels; use nodeName and zone.'),
      nodeName: s.str('Node hosting the endpoint.'),
      zone: s.str('Zone the endpoint is in.'),
      hints: s.ref(P + 'EndpointHints', 'Routing hints for consumers.'),
    },
    'One network endpoint.',
    ['addresses'],
  ),
  [P + 'EndpointConditions']: s.obj(
    {
      ready: s.bool('Whether the endpoint should receive traffic now.'),
      serving: s.bool('Whether the endpoint is serving, regardless of termination.'),
      terminating: s.bool('Whether the endpoint is shutting down.'),
    },
    'State of an endpoint.',
  ),
  [P + 'EndpointHints']: s.obj(
    { forZones: s.list(s.ref(P + 'ForZone'), 'Zones that should consume this endpoint.') },
    'Topology hints for an endpoint.',
  ),
  [P + 'ForZone']: s.obj({ name: s.str('Zone name.') }, 'A zone hint.', ['name']),
  [P + 'EndpointPort']: s.obj(
    {
      name: s.str('Port name, matching the service port name.'),
      protocol: s.enumOf(['SCTP', 'TCP', 'UDP'], 'Protocol; TCP when unset.'),
      port: s.int32('Port number; unset means all ports.'),
      appProtocol: s.str('Application protocol of the port.'),
    },
    'A port of the endpoints in a slice.',
  ),
};
