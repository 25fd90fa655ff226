/**
 * A tiny network on this host for the service proxy's end-to-end tests and benchmark: a "node"
 * namespace (ip_forward on, a bridge 10.244.1.1/24 for pods, 192.168.77.1/24 towards a client), a
 * "client" namespace (192.168.77.2, default route via the node), and pod namespaces on the bridge,
 * each running a small HTTP server that answers "<name> <remote address>". Requests are made by a
 * long-lived Node process inside a namespace (one spawn, many requests). `destroy` removes every
 * namespace (and with them the veths and nft tables inside); namespaces left by a crashed run of a
 * process that no longer exists are removed at the next start.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';

const prefix = 'bpxt';

/** One request's outcome as the driver saw it. */
export interface Reply {
  body?: string;
  err?: string;
  ms: number;
}

/** A request driver running inside one namespace. */
export interface Driver {
  get(url: string, n: number, timeoutMs?: number): Promise<Reply[]>;
}

/** The running lab. */
export interface Lab {
  nodeNs: string;
  clientNs: string;
  nodeIP: string;
  clientIP: string;
  bridgeIP: string;
  pods: { ns: string; name: string; ip: string }[];
  driver(ns: string): Promise<Driver>;
  destroy(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** True when this host can run the lab: root, ip, nft, network namespaces. */
export function labSkip(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, nftables)';
  for (const bin of ['/usr/sbin/ip', '/usr/sbin/nft', '/usr/bin/nsenter'])
    if (!existsSync(bin)) return `missing ${bin}`;
  return false;
}

/** Removes namespaces of earlier runs whose process is gone. */
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
  `require('http').createServer((q,s)=>{s.setHeader('connection','close');` +
  `s.end(${JSON.stringify(name)}+' '+q.socket.remoteAddress)}).listen(8080,'0.0.0.0',()=>console.log('ready'))`;

const driverJs = `
const http=require('http');
const rl=require('readline').createInterface({input:process.stdin});
function get(url,t){return new Promise(res=>{const t0=Date.now();
 const req=http.get(url,{agent:false},r=>{let b='';r.on('data',c=>b+=c);r.on('end',()=>res({body:b,ms:Date.now()-t0}))});
 const timer=setTimeout(()=>{req.destroy();res({err:'ETIMEDOUT',ms:Date.now()-t0})},t);
 req.on('error',e=>{clearTimeout(timer);res({err:e.code||e.message,ms:Date.now()-t0})});
 req.on('close',()=>clearTimeout(timer));});}
rl.on('line',async l=>{const q=JSON.parse(l);const out=[];
 for(let i=0;i<q.n;i++)out.push(await get(q.url,q.timeoutMs));
 process.stdout.write(JSON.stringify({id:q.id,out})+'\\n');});
console.log(JSON.stringify({ready:true}));
`;

function startIn(ns: string, js: string, children: ChildProcess[]): ChildProcess {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', js], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

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
  const waiting = new Map<number, (r: Reply[]) => void>();
  const rl = createInterface({ input: child.stdout! });
  rl.on('line', (line) => {
    const msg = JSON.parse(line) as { id?: number; out?: Reply[] };
    if (msg.id !== undefined) waiting.get(msg.id)?.(msg.out ?? []);
  });
  return {
    get(url, n, timeoutMs = 3000) {
      const id = ++seq;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        child.stdin!.write(JSON.stringify({ id, url, n, timeoutMs }) + '\n');
      });
    },
  };
}

/** Builds the lab with `podCount` pods (10.244.1.10, .11, ...), each serving on port 8080. */
export async function createLab(podCount = 2): Promise<Lab> {
  sweepStale();
  const id = `${prefix}${process.pid}`;
  const nodeNs = `${id}-node`;
  const clientNs = `${id}-cli`;
  const made: string[] = [];
  const children: ChildProcess[] = [];
  const destroy = (): void => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const ns of made.reverse()) {
      try {
        ip('netns', 'delete', ns);
      } catch {
        // already gone
      }
    }
  };
  try {
    const addNs = (ns: string): void => {
      ip('netns', 'add', ns);
      made.push(ns);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    };
    addNs(nodeNs);
    addNs(clientNs);
    execFileSync('ip', ['netns', 'exec', nodeNs, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    // client <-> node
    ip('-n', nodeNs, 'link', 'add', 'to-cli', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', clientNs);
    ip('-n', nodeNs, 'addr', 'add', '192.168.77.1/24', 'dev', 'to-cli');
    ip('-n', nodeNs, 'link', 'set', 'to-cli', 'up');
    ip('-n', clientNs, 'addr', 'add', '192.168.77.2/24', 'dev', 'eth0');
    ip('-n', clientNs, 'link', 'set', 'eth0', 'up');
    ip('-n', clientNs, 'route', 'add', 'default', 'via', '192.168.77.1');
    // pod bridge
    ip('-n', nodeNs, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', nodeNs, 'addr', 'add', '10.244.1.1/24', 'dev', 'br0');
    ip('-n', nodeNs, 'link', 'set', 'br0', 'up');
    const pods: Lab['pods'] = [];
    for (let i = 0; i < podCount; i++) {
      const ns = `${id}-p${i}`;
      const podIP = `10.244.1.${10 + i}`;
      addNs(ns);
      const host = `pod${i}`;
      ip('-n', nodeNs, 'link', 'add', host, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      ip('-n', nodeNs, 'link', 'set', host, 'master', 'br0');
      ip('-n', nodeNs, 'link', 'set', host, 'type', 'bridge_slave', 'hairpin', 'on');
      ip('-n', nodeNs, 'link', 'set', host, 'up');
      ip('-n', ns, 'addr', 'add', `${podIP}/24`, 'dev', 'eth0');
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
      ip('-n', ns, 'route', 'add', 'default', 'via', '10.244.1.1');
      pods.push({ ns, name: `pod${i}`, ip: podIP });
    }
    await Promise.all(
      pods.map((p) => firstLine(startIn(p.ns, serverJs(p.name), children), `server in ${p.ns}`)),
    );
    const drivers = new Map<string, Promise<Driver>>();
    return {
      nodeNs,
      clientNs,
      nodeIP: '192.168.77.1',
      clientIP: '192.168.77.2',
      bridgeIP: '10.244.1.1',
      pods,
      driver(ns) {
        let d = drivers.get(ns);
        if (!d) {
          const child = startIn(ns, driverJs, children);
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
