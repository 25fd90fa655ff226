/**
 * The etcd v3 messages as Berth sees them after proto-loader decodes them (snake_case field names,
 * int64 as number — revisions stay far below 2^53 — bytes as Buffer, enums as their names, every
 * field present with its default), and the RPC method table loaded from proto/etcd.proto.
 */
import { fileURLToPath } from 'node:url';
import { loadSync } from '@grpc/proto-loader';
import type { MethodDefinition, ServiceDefinition } from '@grpc/proto-loader';

export interface ResponseHeader {
  revision: number;
  member_id: number;
}

export interface WireKeyValue {
  key: Buffer;
  create_revision: number;
  mod_revision: number;
  version: number;
  value: Buffer;
}

export interface RangeRequest {
  key: Buffer;
  range_end?: Buffer;
  limit?: number;
  revision?: number;
  serializable?: boolean;
  keys_only?: boolean;
  count_only?: boolean;
}

export interface RangeResponse {
  header: ResponseHeader;
  kvs: WireKeyValue[];
  more: boolean;
  count: number;
}

export interface PutRequest {
  key: Buffer;
  value: Buffer;
  prev_kv?: boolean;
}

export interface PutResponse {
  header: ResponseHeader;
  prev_kv: WireKeyValue | null;
}

export interface DeleteRangeRequest {
  key: Buffer;
  range_end?: Buffer;
  prev_kv?: boolean;
}

export interface DeleteRangeResponse {
  header: ResponseHeader;
  deleted: number;
  prev_kvs: WireKeyValue[];
}

export type RequestOp =
  | { request_range: RangeRequest }
  | { request_put: PutRequest }
  | { request_delete_range: DeleteRangeRequest };

export interface ResponseOp {
  response_range?: RangeResponse | null;
  response_put?: PutResponse | null;
  response_delete_range?: DeleteRangeResponse | null;
}

export interface Compare {
  result: 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
  target: 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';
  key: Buffer;
  create_revision?: number;
  mod_revision?: number;
}

export interface TxnRequest {
  compare: Compare[];
  success: RequestOp[];
  failure: RequestOp[];
}

export interface TxnResponse {
  header: ResponseHeader;
  succeeded: boolean;
  responses: ResponseOp[];
}

export interface CompactionRequest {
  revision: number;
  physical?: boolean;
}

export interface CompactionResponse {
  header: ResponseHeader;
}

export interface StatusResponse {
  header: ResponseHeader;
  version: string;
  leader: number;
  errors: string[];
}

export interface WatchCreateRequest {
  key: Buffer;
  range_end: Buffer;
  start_revision: number;
  progress_notify: boolean;
  prev_kv: boolean;
}

export type WatchRequest =
  | { create_request: WatchCreateRequest }
  | { cancel_request: { watch_id: number } }
  | { progress_request: Record<string, never> };

export interface WireEvent {
  type: 'PUT' | 'DELETE';
  kv: WireKeyValue;
  prev_kv: WireKeyValue | null;
}

export interface WatchResponse {
  header: ResponseHeader;
  watch_id: number;
  created: boolean;
  canceled: boolean;
  compact_revision: number;
  cancel_reason: string;
  events: WireEvent[];
}

/** The unary RPCs the store calls, by the name used in EtcdClient.call. */
export interface UnaryRpcs {
  Range: [RangeRequest, RangeResponse];
  Txn: [TxnRequest, TxnResponse];
  DeleteRange: [DeleteRangeRequest, DeleteRangeResponse];
  Compact: [CompactionRequest, CompactionResponse];
  Status: [Record<string, never>, StatusResponse];
}

export type UnaryName = keyof UnaryRpcs;

/** Serializers and paths of every method, loaded once per process. */
export interface EtcdMethods {
  unary: { [K in UnaryName]: MethodDefinition<UnaryRpcs[K][0], UnaryRpcs[K][1]> };
  watch: MethodDefinition<WatchRequest, WatchResponse>;
}

let methods: EtcdMethods | undefined;

/** Loads proto/etcd.proto (once) and returns its method definitions. */
export function etcdMethods(): EtcdMethods {
  if (methods) return methods;
  const def = loadSync(fileURLToPath(new URL('./proto/etcd.proto', import.meta.url)), {
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const kv = def['etcdserverpb.KV'] as ServiceDefinition;
  const watch = def['etcdserverpb.Watch'] as ServiceDefinition;
  const maintenance = def['etcdserverpb.Maintenance'] as ServiceDefinition;
  methods = {
    unary: {
      Range: kv.Range as EtcdMethods['unary']['Range'],
      Txn: kv.Txn as EtcdMethods['unary']['Txn'],
      DeleteRange: kv.DeleteRange as EtcdMethods['unary']['DeleteRange'],
      Compact: kv.Compact as EtcdMethods['unary']['Compact'],
      Status: maintenance.Status as EtcdMethods['unary']['Status'],
    },
    watch: watch.Watch as EtcdMethods['watch'],
  };
  return methods;
}
