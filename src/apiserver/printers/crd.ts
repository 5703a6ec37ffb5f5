// Tables of custom resources: a NAME column, then the CRD version's additionalPrinterColumns evaluated
// with JSONPath (an AGE column of .metadata.creationTimestamp when the CRD declares none).
import type { PrinterColumn } from '../../api/registry.js';
import type { KubeObject } from '../../api/object.js';
import type { ColumnDefinition, Printer } from './builtin.js';
import { humanDuration, parseTimestamp } from './duration.js';
import { goFloat, goJSON } from './format.js';
import { findResults, parseJSONPath, type JSONPath } from './jsonpath.js';

const DEFAULT_COLUMNS: PrinterColumn[] = [
  { name: 'Age', type: 'date', description: 'Time since the object was created.', jsonPath: '.metadata.creationTimestamp' },
];

const cache = new WeakMap<PrinterColumn[], Printer>();

/** The printer of a custom resource whose CRD declares `columns` (undefined or empty: the default AGE column). */
export function customResourcePrinter(columns: PrinterColumn[] | undefined): Printer {
  const cols = columns && columns.length > 0 ? columns : DEFAULT_COLUMNS;
  let p = cache.get(cols);
  if (!p) {
    p = buildPrinter(cols);
    cache.set(cols, p);
  }
  return p;
}

function buildPrinter(columns: PrinterColumn[]): Printer {
  const defs: ColumnDefinition[] = [
    { name: 'Name', type: 'string', format: 'name', description: 'Name of the object, unique within its namespace (or the cluster).', priority: 0 },
  ];
  const paths: Array<{ path: JSONPath; type: string }> = [];
  for (const c of columns) {
    let path: JSONPath;
    try {
      path = parseJSONPath(c.jsonPath);
    } catch {
      // Like kube-apiserver, keep the columns that parsed before an invalid one.
      break;
    }
    paths.push({ path, type: c.type });
    defs.push({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
      priority: c.priority ?? 0,
    });
  }
  return {
    columns: defs,
    row: (o: KubeObject, now: number) => {
      const cells: unknown[] = [o.metadata?.name ?? ''];
      for (const { path, type } of paths) cells.push(columnCell(path, type, o, now));
      return { cells };
    },
  };
}

/** Evaluates one column against an object; cells of missing values are null. */
export function columnCell(path: JSONPath, type: string, o: unknown, now: number): unknown {
  let results: unknown[];
  try {
    results = findResults(path, o);
  } catch {
    return null;
  }
  if (results.length === 0) return null;
  const value = results[0];
  if (type === 'string') return printValue(value);
  return cellForValue(type, value, now);
}

/** What client-go's jsonpath prints for one value (maps and lists as JSON, null as "<no value>"). */
function printValue(value: unknown): string | null {
  if (value === undefined) return null;
  if (value === null) return '<no value>';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 1e21 ? String(value) : goFloat(value);
  return goJSON(value);
}

function cellForValue(type: string, value: unknown, now: number): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      if (value === 'null') return '<unknown>';
      const t = parseTimestamp(value);
      if (t === undefined) return '<unknown>';
      if (Number.isNaN(t)) return '<invalid>';
      return humanDuration(now - t);
    }
  }
  return null;
}
