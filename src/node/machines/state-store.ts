/**
 * The machines' record on disk, `DATA/machines/state.json`, so `berth machine list` and `delete`
 * work from any later invocation. Writers take a lock (`state.lock` holding the writer's pid, made by
 * linking a file already written, so nobody ever sees it empty; a lock whose pid is gone is taken
 * over) and replace the file atomically.
 */
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The host bridge the machines hang off. */
export interface BridgeRecord {
  name: string;
  subnet: string;
  gateway: string;
  /** True when Berth created it (then it is removed with the last machine). */
  created: boolean;
}

/** One machine as recorded. */
export interface MachineRecord {
  name: string;
  /** The machine's address on the bridge (also its Node InternalIP). */
  address: string;
  /** Host end of the veth pair. */
  hostVeth: string;
  /** The machine's directory (DATA/machines/NAME); the agent's data dir is DIR/agent. */
  dir: string;
  /** cgroupfs parent of the machine's pods. */
  cgroupRoot: string;
  /** The `berth agent` process, while known. */
  pid?: number;
  /** The Node's spec.podCIDR once seen, and the host route to it. */
  podCIDR?: string;
  /** The LoadBalancer pool the machine's agent hands out, routed from the host to its machines. */
  lbPool?: string;
  /** Kubeconfig allowed to delete the Node on `machine delete` (an administrator's). */
  clusterKubeconfig?: string;
  createdAt: string;
}

export interface MachinesState {
  version: 1;
  bridge?: BridgeRecord;
  machines: Record<string, MachineRecord>;
}

const empty = (): MachinesState => ({ version: 1, machines: {} });

/** Reads and writes DATA/machines/state.json. */
export class StateStore {
  readonly dir: string;
  readonly path: string;
  readonly #lock: string;

  constructor(machinesDir: string) {
    this.dir = machinesDir;
    this.path = join(machinesDir, 'state.json');
    this.#lock = join(machinesDir, 'state.lock');
  }

  /** The current state (empty when nothing was recorded yet). */
  read(): MachinesState {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return empty();
    }
    const s = JSON.parse(text) as MachinesState;
    if (s.version !== 1 || typeof s.machines !== 'object')
      throw new Error(`${this.path}: not a machines state file`);
    return s;
  }

  /** Runs `fn` on the state under the lock and saves what it returns (or leaves the file as is). */
  async update<T>(fn: (s: MachinesState) => Promise<T> | T): Promise<T> {
    await this.#acquire();
    try {
      const s = this.read();
      const out = await fn(s);
      this.#write(s);
      return out;
    } finally {
      rmSync(this.#lock, { force: true });
    }
  }

  #write(s: MachinesState): void {
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
  }

  async #acquire(timeoutMs = 60_000): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const until = Date.now() + timeoutMs;
    // The pid is written before the lock appears: an exclusive create followed by a write left an
    // empty lock for a moment, which another machine create read as stale and took over — two
    // creates then made the same bridge at once ("File exists").
    const mine = `${this.#lock}.${process.pid}`;
    for (;;) {
      writeFileSync(mine, `${process.pid}\n`);
      try {
        linkSync(mine, this.#lock);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      } finally {
        rmSync(mine, { force: true });
      }
      let holder: number;
      try {
        holder = Number(readFileSync(this.#lock, 'utf8').trim());
      } catch {
        continue;
      }
      if (!holder || !existsSync(`/proc/${holder}`)) {
        rmSync(this.#lock, { force: true });
        continue;
      }
      if (Date.now() > until) throw new Error(`${this.#lock} is held by process ${holder}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
