// Test helper: the captured kubectl bodies and the JSON they stand for.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** src/apiserver/protobuf/fixtures, whether this runs compiled (dist/src/...) or from the source tree. */
export const FIXTURE_DIR = here.includes(`${sep}dist${sep}src${sep}`)
  ? resolve(here, '../../../../../src/apiserver/protobuf/fixtures')
  : resolve(here, '../fixtures');

export interface FixtureEntry {
  name: string;
  args: string[];
  method: string;
  path: string;
  contentType: string;
  /** where <name>.json comes from: kubectl's own `-o json --dry-run=client`, or written from the Go types */
  expected: 'dry-run' | 'hand-written';
}

export interface Fixture extends FixtureEntry {
  body: Buffer;
  json: Record<string, unknown>;
}

export function fixtureIndex(): FixtureEntry[] {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, 'index.json'), 'utf8')) as FixtureEntry[];
}

export function loadFixtures(): Fixture[] {
  return fixtureIndex().map((e) => ({
    ...e,
    body: readFileSync(join(FIXTURE_DIR, `${e.name}.pb`)),
    json: JSON.parse(readFileSync(join(FIXTURE_DIR, `${e.name}.json`), 'utf8')) as Record<string, unknown>,
  }));
}

export function fixturesPresent(): boolean {
  return existsSync(join(FIXTURE_DIR, 'index.json'));
}
