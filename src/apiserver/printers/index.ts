// Server-side printing: the meta.k8s.io/v1 Table kube-apiserver returns for
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`, with Kubernetes' own columns for built-in kinds,
// additionalPrinterColumns for custom resources and NAME / CREATED AT for kinds without a printer.
import type { ResourceInfo } from '../../api/registry.js';
import type { KubeObject } from '../../api/object.js';
import { builtinPrinter, defaultPrinter, type Printer } from './builtin.js';
import { customResourcePrinter } from './crd.js';

export { humanDuration } from './duration.js';
export { podSummary } from './pod.js';
export { parseJSONPath, findResults, JSONPathError } from './jsonpath.js';

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface TableRow {
  cells: unknown[];
  /** Present for rows Kubernetes marks (pods that finished: type Completed). */
  conditions?: TableRowCondition[];
  /** The PartialObjectMetadata, the full object (includeObject=Object) or null (includeObject=None). */
  object: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

export interface ToTableOptions {
  /** What each row's `object` carries; kube-apiserver's default is Metadata. */
  includeObject?: 'None' | 'Metadata' | 'Object';
  /** TableOptions.noHeaders: omit the column definitions (watch events after the first). */
  noHeaders?: boolean;
  /** Reference time for ages; defaults to the current time. */
  now?: Date;
  /** The list's metadata (or, for a single object, its resourceVersion), copied into the table. */
  listMeta?: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
}

/** The printer kube-apiserver would use for a served resource. */
export function printerFor(info: ResourceInfo): Printer {
  if (info.crd) return customResourcePrinter(info.crd.additionalPrinterColumns);
  return builtinPrinter(info.group, info.kind) ?? defaultPrinter;
}

/** Converts objects of one resource to a Table, one row per object, in order. */
export function toTable(info: ResourceInfo, objects: KubeObject[], opts: ToTableOptions = {}): Table {
  const printer = printerFor(info);
  const now = (opts.now ?? new Date()).getTime();
  const include = opts.includeObject ?? 'Metadata';
  const rows: TableRow[] = new Array(objects.length);
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i];
    const printed = printer.row(o, now);
    const row: TableRow = { cells: printed.cells, object: rowObject(o, include) };
    if (printed.conditions) row.conditions = printed.conditions;
    rows[i] = row;
  }
  const metadata: Table['metadata'] = {};
  const lm = opts.listMeta;
  if (lm?.resourceVersion) metadata.resourceVersion = lm.resourceVersion;
  if (lm?.continue) metadata.continue = lm.continue;
  if (typeof lm?.remainingItemCount === 'number') metadata.remainingItemCount = lm.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: opts.noHeaders ? [] : printer.columns.map((c) => ({ ...c })),
    rows,
  };
}

function rowObject(o: KubeObject, include: 'None' | 'Metadata' | 'Object'): unknown {
  switch (include) {
    case 'None':
      return null;
    case 'Object':
      return o;
    default:
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata ?? {} };
  }
}
