/**
 * The logging surface the client machinery writes to. Loops never swallow an error: they log it
 * with context and then retry, requeue or stop.
 */

/** The logging surface the client needs; pino loggers satisfy it. */
export interface ClientLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Default logger: warnings and errors to stderr as one JSON line each, info dropped. */
export const stderrLogger: ClientLogger = {
  info: () => {},
  warn: (obj, msg) => console.error(JSON.stringify({ level: 'warn', msg, ...errFields(obj) })),
  error: (obj, msg) => console.error(JSON.stringify({ level: 'error', msg, ...errFields(obj) })),
};

/** A logger that drops everything; for tests that provoke errors on purpose. */
export const silentLogger: ClientLogger = { info: () => {}, warn: () => {}, error: () => {} };

function errFields(obj: object): object {
  const out: Record<string, unknown> = { ...obj };
  for (const [k, v] of Object.entries(out)) if (v instanceof Error) out[k] = v.message;
  return out;
}
