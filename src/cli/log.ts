/**
 * The process logger: JSON lines on stderr (pino), level from --log-level or BERTH_LOG_LEVEL.
 * Request logs are at debug; errors always. Secrets never reach it: requests are logged by path,
 * user and code only.
 */
import pino from 'pino';
import type { Logger } from '../apiserver/server.ts';

export function createLogger(level = process.env.BERTH_LOG_LEVEL ?? 'info', name = 'berth'): Logger {
  return pino({ name, level }, pino.destination({ fd: 2, sync: false }));
}
