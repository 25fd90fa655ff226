/**
 * A tiny node for the NetworkPolicy end-to-end test: a "node" namespace (ip_forward on, bridge br0
 * 10.244.5.1/24 with br_netfilter's bridge-nf-call-iptables on, so bridged pod-to-pod traffic meets
 * the inet forward hook) and one namespace per pod behind it (10.244.5.10, .11, ...), each serving
 * HTTP on ports 80 and 81 with "<name>:<port>". Every namespace (the node too) can run a request
 * driver: one long-lived Node process taking JSON lines, so a check costs no spawn. `destroy`
 * removes every namespace (and with them the veths and nft tables inside); namespaces of crashed
 * earlier runs whose process is gone are removed at the next start.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';

const prefix = 'bnpt';

/** One request's outcome: the body, or the error code (ETIMEDOUT, ECONNREFUSED, ...). */
export interface Reply {
  body?: string;
  err?: string;
  ms: number;
}

/** Makes requests from inside one namespace. */
export interface Driver {
  get(url: string, timeoutMs: number): Promise<Reply>;
}

/** The running lab. */
export interface NetpolLab {
  nodeNs: string;
  bridge: string;
  podCIDR: string;
  pods: { ns: string; name: string; ip: string }[];
  driver(ns: string): Promise<Driver>;
  destroy(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function sweepStale(): void {
  if (!existsSync('/run/netns')) return;
  for (const name of readdirSync('/run/netns')) {
    const m = new RegExp(`^${prefix}(\\d+)-`).exec(name);
    if (m && !existsSync(`/proc/${m[1]}`)) {
      try {
        ip('netns', 'delete', name);
      } catch {
        // already gone
      }
    }
  }
}

const serverJs = (name: string): string =>
  `const h=require('http');let n=0;for(const p of [80,81])h.createServer((q,s)=>{s.setHeader('connection','close');` +
  `s.end(${JSON.stringify(name)}+':'+p)}).listen(p,'0.0.0.0',()=>{if(++n===2)console.log('ready')})`;

const driverJs = `
const http=require('http');
const rl=require('readline').createInterface({input:process.stdin});
rl.on('line',l=>{const q=JSON.parse(l);const t0=Date.now();let done=false;
 const fin=r=>{if(done)return;done=true;clearTimeout(timer);r.ms=Date.now()-t0;r.id=q.id;process.stdout.write(JSON.stringify(r)+'\\n')};
 const req=http.get(q.url,{agent:false},res=>{let b='';res.on('data',c=>b+=c);res.on('end',()=>fin({body:b}))});
 const timer=setTimeout(()=>{req.destroy();fin({err:'ETIMEDOUT'})},q.timeoutMs);
 req.on('error',e=>fin({err:e.code||e.message}));});
console.log(JSON.stringify({ready:true}));
`;

function firstLine(child: ChildProcess, what: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(
      () => reject(new Error(`${what} not ready in ${timeoutMs} ms: ${err}`)),
      timeoutMs,
    );
    child.stdout?.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited ${code}: ${err}`));
    });
  });
}

function makeDriver(child: ChildProcess): Driver {
  let seq = 0;
  const waiting = new Map<number, (r: Reply) => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const msg = JSON.parse(line) as Reply & { id?: number };
    if (msg.id === undefined) return;
    waiting.get(msg.id)?.(msg);
    waiting.delete(msg.id);
  });
  return {
    get(url, timeoutMs) {
      const id = ++seq;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        child.stdin!.write(JSON.stringify({ id, url, timeoutMs }) + '\n');
      });
    },
  };
}

/** Builds the lab with the named pods (10.244.5.10, .11, ... in order). */
export async function createNetpolLab(podNames: string[]): Promise<NetpolLab> {
  sweepStale();
  const id = `${prefix}${process.pid}`;
  const nodeNs = `${id}-node`;
  const made: string[] = [];
  const children: ChildProcess[] = [];
  const start = (ns: string, js: string): ChildProcess => {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', js], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(child);
    return child;
  };
  const destroy = (): void => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const ns of made.reverse()) {
      try {
        ip('netns', 'delete', ns);
      } catch {
        // already gone
      }
    }
    made.length = 0;
  };
  try {
    const addNs = (ns: string): void => {
      ip('netns', 'add', ns);
      made.push(ns);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    };
    addNs(nodeNs);
    execFileSync('ip', ['netns', 'exec', nodeNs, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    ip('-n', nodeNs, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', nodeNs, 'addr', 'add', '10.244.5.1/24', 'dev', 'br0');
    ip('-n', nodeNs, 'link', 'set', 'br0', 'up');
    // Bridged frames between two pods pass the inet hooks only with this on (per namespace).
    execFileSync('ip', ['netns', 'exec', nodeNs, 'sysctl', '-qw', 'net.bridge.bridge-nf-call-iptables=1']);
    const pods: NetpolLab['pods'] = [];
    podNames.forEach((name, i) => {
      const ns = `${id}-${name}`;
      const podIP = `10.244.5.${10 + i}`;
      addNs(ns);
      const host = `veth-${name}`.slice(0, 15);
      ip('-n', nodeNs, 'link', 'add', host, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      ip('-n', nodeNs, 'link', 'set', host, 'master', 'br0');
      ip('-n', nodeNs, 'link', 'set', host, 'up');
      ip('-n', ns, 'addr', 'add', `${podIP}/24`, 'dev', 'eth0');
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
      ip('-n', ns, 'route', 'add', 'default', 'via', '10.244.5.1');
      pods.push({ ns, name, ip: podIP });
    });
    await Promise.all(pods.map((p) => firstLine(start(p.ns, serverJs(p.name)), `server in ${p.ns}`)));
    const drivers = new Map<string, Promise<Driver>>();
    return {
      nodeNs,
      bridge: 'br0',
      podCIDR: '10.244.5.0/24',
      pods,
      driver(ns) {
        let d = drivers.get(ns);
        if (!d) {
          const child = start(ns, driverJs);
          d = firstLine(child, `driver in ${ns}`).then(() => makeDriver(child));
          drivers.set(ns, d);
        }
        return d;
      },
      destroy,
    };
  } catch (err) {
    destroy();
    throw err;
  }
}
