// The `timonel` binary: one command with subcommands.
import { Command, InvalidArgumentError } from 'commander';
import { up } from './up.js';

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program.name('timonel').description('A Kubernetes-compatible container orchestrator').version('0.1.0');
  program
    .command('up')
    .description('run a single-node cluster in the foreground (API server, controllers, node agent)')
    .option('--data-dir <dir>', 'where the cluster keeps its state', '.timonel')
    .option('--port <n>', 'API server port (0 = any free port)', port, 6443)
    .option('--host <addr>', 'address the API server listens on', '127.0.0.1')
    .action(async (o: { dataDir: string; port: number; host: string }) => {
      await up({ dataDir: o.dataDir, port: o.port, host: o.host });
    });
  await program.parseAsync(argv);
}
