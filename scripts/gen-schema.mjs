// Derives the committed schema tables from Kubernetes 1.32's OpenAPI v2 document
// (../shared/reference/openapi). Descriptions are dropped: only structural facts are kept
// (types, formats, required, refs, x-kubernetes-* extensions). Run during development only.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const src = process.argv[2] ?? join(here, '../../shared/reference/openapi/kubernetes-1.32-swagger.json');
const swagger = JSON.parse(readFileSync(src, 'utf8'));

function strip(node) {
  if (Array.isArray(node)) return node.map(strip);
  if (node && typeof node === 'object') {
    const out = {};
    for (const key of Object.keys(node).sort()) {
      if (key === 'description') continue;
      out[key] = strip(node[key]);
    }
    return out;
  }
  return node;
}

const definitions = strip(swagger.definitions);
writeFileSync(join(here, '../src/api/generated/definitions.json'), JSON.stringify(definitions) + '\n');
console.log(`wrote ${Object.keys(definitions).length} definitions`);
