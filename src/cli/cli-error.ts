/**
 * What every `berth` command shares without loading any one command's machinery: the one-line
 * error type and the SIGTERM/SIGINT shutdown. Kept apart from server.ts so that `berth agent`
 * does not load the control plane just to report an error.
 */

/** An error whose message is the whole story: printed as one line, exit code 1. */
export class CliError extends Error {}

/** Stops `cp` on SIGTERM/SIGINT, giving up after 5 s. */
export function stopOnSignals(close: () => Promise<void>): void {
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => {
      process.stderr.write(`berth: ${sig}: shutdown took longer than 5 s, exiting\n`);
      process.exit(1);
    }, 5000);
    force.unref();
    close().then(
      () => process.exit(0),
      (err: Error) => {
        process.stderr.write(`berth: shutdown failed: ${err.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
