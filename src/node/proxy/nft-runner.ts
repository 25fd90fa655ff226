/**
 * Runs `nft` for the proxy. `apply` feeds a transaction on stdin (`nft -f -`), so the kernel takes it
 * whole or not at all; a failure rejects with nft's own message (it names the line). With `netns`
 * set, nft runs inside /run/netns/NAME through nsenter, which is how tests and benchmarks program a
 * throwaway namespace; the agent leaves it unset and programs its own host.
 */
import { spawn } from 'node:child_process';

/** Applies nft transactions; tests substitute a recorder. */
export interface NftRunner {
  /** Applies `text` as one transaction; rejects (nothing applied) on any error. */
  apply(text: string): Promise<void>;
  /** Runs `nft ARGS` and returns stdout (e.g. `list table ip berth`). */
  run(args: string[]): Promise<string>;
}

/** Options of the real runner. */
export interface NftCommandOptions {
  /** Run inside this named network namespace (/run/netns/NAME). */
  netns?: string;
  /** The nft binary (default "nft" on PATH). */
  nft?: string;
}

/** An nft error with the transaction's exit code and stderr. */
export class NftError extends Error {
  readonly stderr: string;
  constructor(message: string, stderr: string) {
    super(message);
    this.name = 'NftError';
    this.stderr = stderr;
  }
}

function exec(argv: string[], input: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new NftError(`${argv.join(' ')} exited ${code}: ${stderr.slice(0, 2000)}`, stderr));
    });
    child.stdin.on('error', () => {}); // a failed exec reports through 'close'
    child.stdin.end(input ?? '');
  });
}

/** The real runner: spawns nft (through nsenter when `netns` is set). */
export function nftCommand(opts: NftCommandOptions = {}): NftRunner {
  const base = opts.netns
    ? ['nsenter', `--net=/run/netns/${opts.netns}`, opts.nft ?? 'nft']
    : [opts.nft ?? 'nft'];
  return {
    apply: async (text) => {
      await exec([...base, '-f', '-'], text);
    },
    run: (args) => exec([...base, ...args], undefined),
  };
}

/** Deletes the proxy's table (all its rules, maps and sets); succeeds when there is none. */
export async function deleteTable(runner: NftRunner, table: string): Promise<void> {
  await runner.apply(`add table ip ${table}\ndelete table ip ${table}\n`);
}
