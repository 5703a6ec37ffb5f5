// Where things are: the repository root (from dist/bench/lib/), the CLI, the results folder.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root: this file is compiled to <repo>/dist/bench/lib/paths.js. */
export const REPO = resolve(here, '../../..');
export const TIMONEL_BIN = join(REPO, 'bin', 'timonel.js');
export const RESULTS_DIR = join(REPO, 'bench', 'results');
/** The compiled probe module loaded into a server child with `--import`. */
export const PROBE_MODULE = join(here, 'probe.js');
