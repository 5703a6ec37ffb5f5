// A `node bin/timonel.js ...` child process, watched: its output is kept (the tail), its death is
// noticed, /proc gives its CPU and memory, and with `probe` it reports its own event loop over IPC.
// Servers (`up`, `server`) and node agents (`agent --simulate-nodes`) are both such children.
import { spawn, type ChildProcess } from 'node:child_process';
import { sampleProcess, type ProcSample } from './procstat.js';
import { PROBE_MODULE, TIMONEL_BIN } from './paths.js';
import { PROBE_MESSAGE, type ProbeReply, type ProbeRequest } from './probe.js';

export interface SpawnOptions {
  /** load bench/lib/probe into the child (event loop delay, utilization, heap over IPC) */
  probe?: boolean;
  env?: Record<string, string>;
  /** what the child is, in messages ("timonel up", "timonel agent") */
  label: string;
  /**
   * The line the child prints once it handles SIGTERM (its signal handlers are installed with it):
   * stop() waits for it first, so that a child stopped early still shuts down cleanly.
   */
  startedLine?: RegExp;
}

export interface ChildHandle {
  pid: number;
  label: string;
  /** CPU time and memory of the process, from /proc; throws if it has exited */
  sample(): ProcSample;
  /** the in-process probe's window (only with `probe: true`); `reset` starts a new window */
  probe(reset?: boolean): Promise<ProbeReply>;
  /** the child's last output (stdout and stderr interleaved) */
  logs(): string;
  /** resolves with each chunk of output until `match` matches the whole output so far */
  waitForOutput(match: RegExp, timeoutMs: number): Promise<void>;
  /** the exit, once it happened */
  exit(): { code: number | null; signal: string | null } | undefined;
  /** throws if the child has exited */
  assertAlive(): void;
  /** SIGTERM, wait up to `graceMs`, SIGKILL; fails unless it exited with code 0 by itself */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL, no questions asked (cleanup after a failure) */
  kill(): Promise<void>;
}

const LOG_LIMIT = 256 * 1024;
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Children must not outlive the benchmark, whatever way it ends. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => { for (const c of live) { try { c.kill('SIGKILL'); } catch { /* gone */ } } });
}

export class ChildExited extends Error {
  constructor(label: string, code: number | null, signal: string | null, logs: string) {
    super(`${label} exited (code ${code}, signal ${signal}); last output:\n${logs.slice(-4000)}`);
    this.name = 'ChildExited';
  }
}

export function spawnTimonel(args: string[], opts: SpawnOptions): ChildHandle {
  installExitHook();
  const nodeArgs = opts.probe ? ['--import', PROBE_MODULE] : [];
  const child = spawn(process.execPath, [...nodeArgs, TIMONEL_BIN, ...args], {
    stdio: opts.probe ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  live.add(child);
  let out = '';
  const outputWaiters = new Set<() => void>();
  const append = (d: Buffer) => {
    out += d.toString('utf8');
    if (out.length > LOG_LIMIT) out = out.slice(-LOG_LIMIT / 2);
    for (const w of outputWaiters) w();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  let exit: { code: number | null; signal: string | null } | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    exit = { code, signal };
    live.delete(child);
    for (const w of outputWaiters) w();
    resolve();
  }));

  let probeSeq = 0;
  const probeWaiters = new Map<number, (r: ProbeReply) => void>();
  if (opts.probe) {
    child.on('message', (m: unknown) => {
      const r = m as ProbeReply;
      if (r && r.type === PROBE_MESSAGE) { probeWaiters.get(r.id)?.(r); probeWaiters.delete(r.id); }
    });
  }

  const handle: ChildHandle = {
    pid: child.pid!,
    label: opts.label,
    sample: () => {
      handle.assertAlive();
      return sampleProcess(child.pid!);
    },
    probe: (reset = false) => {
      if (!opts.probe) return Promise.reject(new Error(`${opts.label} was started without the probe`));
      handle.assertAlive();
      const id = ++probeSeq;
      return new Promise<ProbeReply>((resolve, reject) => {
        const timer = setTimeout(() => { probeWaiters.delete(id); reject(new Error(`the probe in ${opts.label} did not answer in 30 s`)); }, 30_000);
        probeWaiters.set(id, (r) => { clearTimeout(timer); resolve(r); });
        const req: ProbeRequest = { type: PROBE_MESSAGE, id, reset };
        child.send(req);
      });
    },
    logs: () => out,
    waitForOutput: (match, timeoutMs) => new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const check = () => {
        if (match.test(out)) { done(); resolve(); return; }
        if (exit) { done(); reject(new ChildExited(opts.label, exit.code, exit.signal, out)); }
      };
      const done = () => { outputWaiters.delete(check); clearTimeout(timer); };
      timer = setTimeout(() => { done(); reject(new Error(`${opts.label} did not print ${match} within ${timeoutMs} ms; last output:\n${out.slice(-4000)}`)); }, timeoutMs);
      outputWaiters.add(check);
      check();
    }),
    exit: () => exit,
    assertAlive: () => {
      if (exit) throw new ChildExited(opts.label, exit.code, exit.signal, out);
    },
    stop: async (graceMs = 15_000) => {
      if (exit) throw new ChildExited(opts.label, exit.code, exit.signal, out);
      if (opts.startedLine) {
        await handle.waitForOutput(opts.startedLine, 60_000);
        // The CLI prints, then installs its handlers: give it a moment past the line.
        await new Promise((r) => setTimeout(r, 250));
      }
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const killed = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => { timer = setTimeout(() => r(true), graceMs); })]);
      clearTimeout(timer);
      if (killed) { child.kill('SIGKILL'); await exited; }
      if (killed) throw new Error(`${opts.label} did not stop within ${graceMs / 1000} s of SIGTERM; last output:\n${out.slice(-2000)}`);
      if (exit!.code !== 0) throw new Error(`${opts.label} exited with code ${exit!.code} (signal ${exit!.signal}) on SIGTERM; last output:\n${out.slice(-2000)}`);
    },
    kill: async () => {
      if (exit) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  return handle;
}
