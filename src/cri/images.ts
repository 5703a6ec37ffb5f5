// OCI images built offline from Debian packages, for tests, demos and the pod sandbox:
// - busybox: busybox-static plus a symlink per applet (sh, httpd, wget, nc, ...), /etc/passwd and a
//   page at /var/www/index.html;
// - pause: catatonit (a static init) in pause mode, as the sandbox image.
// Layouts are made with umoci; they are imported into containerd (`ctr images import`, through a
// docker-archive written by skopeo so the archive names the image) and/or pushed with skopeo to a
// Debian docker-registry serving on 127.0.0.1, from which containerd pulls over plain HTTP.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { CRI_NAMESPACE } from './containerd.js';

const execFileP = promisify(execFile);

export const BUSYBOX_BINARY = '/bin/busybox';
export const CATATONIT_BINARY = '/usr/bin/catatonit';
/** the pod sandbox image timonel builds and imports (never pulled) */
export const PAUSE_IMAGE = 'timonel.local/pause:3.9';
export const BUSYBOX_TAG = '1.36';
/** the busybox image a node of the cri runtime imports at start (never pulled) */
export const LOCAL_BUSYBOX_IMAGE = `timonel.local/busybox:${BUSYBOX_TAG}`;

export interface BuiltImage {
  /** OCI image layout directory */
  layout: string;
  tag: string;
}

/** which of the tools the image pipeline needs are missing (empty: all there) */
export function missingImageTools(): string[] {
  const need: Record<string, string> = {
    umoci: '/usr/bin/umoci', skopeo: '/usr/bin/skopeo', ctr: '/usr/bin/ctr', 'docker-registry': '/usr/bin/docker-registry',
    'busybox-static': BUSYBOX_BINARY, catatonit: CATATONIT_BINARY,
  };
  return Object.entries(need).filter(([, p]) => !existsSync(p)).map(([n]) => n);
}

async function run(cmd: string, args: string[], timeoutMs = 120_000): Promise<string> {
  try {
    const { stdout } = await execFileP(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${(err.stderr ?? '').trim() || err.message}`);
  }
}

function layoutHasTag(layout: string, tag: string): boolean {
  try {
    const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests?: { annotations?: Record<string, string> }[] };
    return (index.manifests ?? []).some((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  } catch {
    return false;
  }
}

interface ImageConfig {
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  workingDir?: string;
}

/** an OCI layout at `layout:tag` with one layer holding `rootfs`, and the given config */
export async function buildLayout(layout: string, tag: string, rootfs: string, cfg: ImageConfig): Promise<BuiltImage> {
  rmSync(layout, { recursive: true, force: true });
  mkdirSync(dirname(layout), { recursive: true });
  const ref = `${layout}:${tag}`;
  await run('umoci', ['init', '--layout', layout]);
  await run('umoci', ['new', '--image', ref]);
  await run('umoci', ['insert', '--image', ref, rootfs, '/']);
  const args = ['config', '--image', ref, '--os', 'linux', '--architecture', ociArch(), '--author', 'timonel'];
  if (cfg.entrypoint) for (const e of cfg.entrypoint) args.push('--config.entrypoint', e);
  if (cfg.cmd) for (const c of cfg.cmd) args.push('--config.cmd', c);
  for (const e of cfg.env ?? []) args.push('--config.env', e);
  if (cfg.workingDir) args.push('--config.workingdir', cfg.workingDir);
  await run('umoci', args);
  await run('umoci', ['gc', '--layout', layout]);
  return { layout, tag };
}

export function ociArch(): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[process.arch] ?? process.arch;
}

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** the busybox root filesystem: the static binary and a symlink for every applet */
export async function busyboxRootfs(dir: string): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'root', 'var/www', 'home', 'proc', 'sys', 'dev']) mkdirSync(join(dir, d), { recursive: true });
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  chmodSync(join(dir, 'tmp'), 0o1777);
  copyFileSync(BUSYBOX_BINARY, join(dir, 'bin/busybox'));
  chmodSync(join(dir, 'bin/busybox'), 0o755);
  const list = await run(BUSYBOX_BINARY, ['--list-full']);
  for (const rel of list.split('\n').map((s) => s.trim()).filter(Boolean)) {
    if (rel === 'bin/busybox' || rel.includes('..')) continue;
    const p = join(dir, rel);
    if (existsSync(p)) continue;
    mkdirSync(dirname(p), { recursive: true });
    symlinkSync('/bin/busybox', p);
  }
  writeFileSync(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n');
  writeFileSync(join(dir, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  writeFileSync(join(dir, 'var/www/index.html'), '<html><body>hello from timonel busybox</body></html>\n');
}

/** busybox OCI image (`sh` by default; `httpd -f -p 80 -h /var/www` serves the sample page) */
export async function buildBusyboxImage(workDir: string, tag = BUSYBOX_TAG): Promise<BuiltImage> {
  const layout = join(workDir, 'busybox');
  if (layoutHasTag(layout, tag)) return { layout, tag };
  mkdirSync(workDir, { recursive: true });
  const rootfs = mkdtempSync(join(workDir, '.busybox-rootfs-'));
  try {
    await busyboxRootfs(rootfs);
    return await buildLayout(layout, tag, rootfs, { cmd: ['sh'], env: [DEFAULT_PATH] });
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
}

/** pause image: catatonit -P (waits for signals, reaps zombies of the pod's PID namespace) */
export async function buildPauseImage(workDir: string, tag = PAUSE_IMAGE.split(':').pop()!): Promise<BuiltImage> {
  const layout = join(workDir, 'pause');
  if (layoutHasTag(layout, tag)) return { layout, tag };
  mkdirSync(workDir, { recursive: true });
  const rootfs = mkdtempSync(join(workDir, '.pause-rootfs-'));
  try {
    copyFileSync(CATATONIT_BINARY, join(rootfs, 'pause'));
    chmodSync(join(rootfs, 'pause'), 0o755);
    return await buildLayout(layout, tag, rootfs, { entrypoint: ['/pause', '-P'], env: [DEFAULT_PATH] });
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
}

/**
 * Imports `img` into containerd's CRI namespace as `ref` (e.g. timonel.local/pause:3.9), unpacked
 * for the overlayfs snapshotter, so CRI finds it without a pull.
 */
export async function importImage(containerdSocket: string, img: BuiltImage, ref: string): Promise<void> {
  const tmp = mkdtempSync(join(dirname(img.layout), '.import-'));
  try {
    const archive = join(tmp, 'image.tar');
    await run('skopeo', ['copy', '--quiet', `oci:${img.layout}:${img.tag}`, `docker-archive:${archive}:${ref}`]);
    // ctr unpacks into the default snapshotter (overlayfs) as it imports
    await run('ctr', ['--address', containerdSocket, '--namespace', CRI_NAMESPACE, 'images', 'import', archive], 300_000);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** builds (or reuses) the pause image under `cacheDir` and imports it as PAUSE_IMAGE */
export async function ensurePauseImage(containerdSocket: string, cacheDir: string, ref = PAUSE_IMAGE): Promise<string> {
  mkdirSync(cacheDir, { recursive: true });
  const img = await buildPauseImage(cacheDir, ref.split(':').pop());
  await importImage(containerdSocket, img, ref);
  return ref;
}

/** a free TCP port on 127.0.0.1 (bound and released: a small race, fine for tests) */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function httpStatus(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

export function registryConfigYaml(rootDir: string, port: number): string {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(rootDir)}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '',
  ].join('\n');
}

/** Debian's docker-registry (distribution 2.8) serving on 127.0.0.1, plain HTTP, no auth. */
export class LocalRegistry {
  private constructor(readonly dir: string, readonly port: number, private readonly child: ChildProcess, private readonly exited: Promise<void>) {}

  /** `127.0.0.1:PORT` */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(dir: string, port?: number): Promise<LocalRegistry> {
    mkdirSync(join(dir, 'data'), { recursive: true });
    const p = port || (await freePort());
    const cfg = join(dir, 'config.yml');
    writeFileSync(cfg, registryConfigYaml(join(dir, 'data'), p));
    const child = spawn('/usr/bin/docker-registry', ['serve', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
    let exited = false;
    const exitedP = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
    child.once('error', () => { exited = true; });
    const reg = new LocalRegistry(dir, p, child, exitedP);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !exited) {
      if ((await httpStatus(`http://127.0.0.1:${p}/v2/`, 1000)) === 200) return reg;
      await new Promise((r) => setTimeout(r, 100));
    }
    await reg.stop();
    throw new Error(`docker-registry did not answer on 127.0.0.1:${p}: ${stderr.trim()}`);
  }

  /** pushes `img` as `<host>/<name>` (e.g. busybox:1.36); returns the full reference */
  async push(img: BuiltImage, name: string): Promise<string> {
    const ref = `${this.host}/${name}`;
    await run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${img.layout}:${img.tag}`, `docker://${ref}`], 300_000);
    return ref;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.exited, new Promise<void>((r) => { timer = setTimeout(r, 5000); })]);
      clearTimeout(timer);
      if (this.child.exitCode === null && this.child.signalCode === null) {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    }
  }
}

/**
 * command line: `node dist/src/cri/images.js OUTDIR [--push HOST:PORT] [--import SOCKET] [--serve [PORT]]`
 * (--serve starts a docker-registry on 127.0.0.1, pushes both images and runs until interrupted)
 */
async function main(argv: string[]): Promise<void> {
  const out = argv[0];
  if (!out || out.startsWith('-')) {
    process.stderr.write('usage: images.js OUTDIR [--push 127.0.0.1:PORT] [--import /path/containerd.sock] [--serve [PORT]]\n');
    process.exit(2);
  }
  const missing = missingImageTools();
  if (missing.length) {
    process.stderr.write(`missing: ${missing.join(', ')} (apt-get install umoci skopeo containerd docker-registry busybox-static catatonit)\n`);
    process.exit(1);
  }
  mkdirSync(out, { recursive: true });
  const busybox = await buildBusyboxImage(out);
  const pause = await buildPauseImage(out);
  process.stdout.write(`built ${busybox.layout}:${busybox.tag} and ${pause.layout}:${pause.tag}\n`);
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === '--push') {
      const host = argv[++i]!;
      await run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${busybox.layout}:${busybox.tag}`, `docker://${host}/busybox:${busybox.tag}`], 300_000);
      await run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${pause.layout}:${pause.tag}`, `docker://${host}/pause:${pause.tag}`], 300_000);
      process.stdout.write(`pushed ${host}/busybox:${busybox.tag} and ${host}/pause:${pause.tag}\n`);
    } else if (argv[i] === '--serve') {
      const port = argv[i + 1] && /^\d+$/.test(argv[i + 1]!) ? Number(argv[++i]) : undefined;
      const reg = await LocalRegistry.start(join(out, 'registry'), port);
      await reg.push(busybox, `busybox:${busybox.tag}`);
      await reg.push(pause, `pause:${pause.tag}`);
      process.stdout.write(`serving ${reg.host}/busybox:${busybox.tag} and ${reg.host}/pause:${pause.tag} (Ctrl-C stops)\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await reg.stop();
    } else if (argv[i] === '--import') {
      const sock = argv[++i]!;
      await importImage(sock, busybox, `timonel.local/busybox:${busybox.tag}`);
      await importImage(sock, pause, PAUSE_IMAGE);
      process.stdout.write(`imported timonel.local/busybox:${busybox.tag} and ${PAUSE_IMAGE}\n`);
    }
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main(process.argv.slice(2)).catch((e: Error) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  });
}
