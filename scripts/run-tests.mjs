// Runs the compiled tests with Node's test runner: unit tests (beside the code, dist/src/**/*.test.js
// and dist/bench/**/*.test.js)
// and end-to-end tests (dist/test/e2e/**/*.test.js). `node scripts/run-tests.mjs [unit|e2e] [filter]`.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

const [which = 'all', filter = ''] = process.argv.slice(2);
const roots = { unit: ['dist/src', 'dist/bench'], e2e: ['dist/test/e2e'], all: ['dist/src', 'dist/bench', 'dist/test/e2e'] }[which];
if (!roots) { console.error(`unknown suite ${which}: use unit, e2e or all`); process.exit(2); }

function walk(dir, out) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.js') && p.includes(filter)) out.push(p);
  }
  return out;
}

const files = roots.flatMap((r) => walk(r, [])).sort();
if (files.length === 0) { console.error('no test files found'); process.exit(1); }
const args = ['--test', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files];
const child = spawn(process.execPath, args, { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
