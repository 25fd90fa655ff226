/**
 * Running the host's network tools (`ip`, `nft`, `sysctl`, …) from the agent and the machine
 * provider: argv only (never a shell), optional stdin, and a one-line error naming the command and
 * the tool's own words when it fails. Commands run in the caller's network namespace unless `netns`
 * is given (then through `nsenter --net=/run/netns/NAME`, which keeps /sys and the cgroup mounts).
 */
import { spawn } from 'node:child_process';

export interface RunOptions {
  /** Written to the command's stdin. */
  input?: string;
  /** Run inside /run/netns/NAME. */
  netns?: string;
  /** Resolve with the result instead of throwing when the exit code is not 0. */
  allowFail?: boolean;
  /** Killed after this long (default 30 s). */
  timeoutMs?: number;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A failed command: `ip route add …: Nexthop has invalid gateway`. */
export class CommandError extends Error {
  readonly argv: readonly string[];
  readonly result: RunResult;
  constructor(argv: readonly string[], result: RunResult) {
    const words = (result.stderr || result.stdout).trim().split('\n').pop() ?? '';
    super(`${argv.join(' ')}: ${words || `exit code ${result.code}`}`);
    this.name = 'CommandError';
    this.argv = argv;
    this.result = result;
  }
}

/** The argv that runs `argv` inside a named network namespace (or `argv` itself). */
export function inNetns(argv: readonly string[], netns: string | undefined): string[] {
  return netns ? ['nsenter', `--net=/run/netns/${netns}`, '--', ...argv] : [...argv];
}

/** Runs a command to completion; throws CommandError on a non-zero exit unless `allowFail`. */
export function run(argv: readonly string[], o: RunOptions = {}): Promise<RunResult> {
  const full = inNetns(argv, o.netns);
  return new Promise((resolve, reject) => {
    const child = spawn(full[0]!, full.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 30_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${full[0]}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const r = { code: code ?? (signal ? 128 : 1), stdout, stderr };
      if (r.code !== 0 && !o.allowFail) reject(new CommandError(full, r));
      else resolve(r);
    });
    child.stdin.on('error', () => {}); // a tool that exits without reading stdin
    child.stdin.end(o.input ?? '');
  });
}
