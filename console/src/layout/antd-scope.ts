/**
 * Where AntdScope (antd's providers and style sheet) comes from: one import shared by the frame,
 * the routes and the boot script, which starts it early for a first page that needs antd.
 */
import { retryImport } from '../lib/lazy-retry.ts';

/** The AntdScope chunk (with antd's CSS), tried again like page chunks when the network fails. */
export const antdScope = retryImport(() => import('./AntdScope.tsx'));

/** Starts loading AntdScope; a failure is left to the import that renders it. */
export function warmAntdScope(): void {
  antdScope().catch(() => undefined);
}
