// Writing a chart archive as `helm package` does (pkg/chart/loader's counterpart chartutil.Save):
// <name>/Chart.yaml (re-marshalled metadata), Chart.lock, values.yaml, values.schema.json,
// templates, other files and dependencies (expanded), tar+gzip.

import { marshalYaml } from '../values/yaml.js';
import { gzip, writeTar } from './tar.js';
import type { ChartMetadata, LoadedChart } from './types.js';

const metadataOrder: (keyof ChartMetadata)[] = [
  'name', 'home', 'sources', 'version', 'description', 'keywords', 'maintainers', 'icon', 'apiVersion', 'condition', 'tags',
  'appVersion', 'deprecated', 'annotations', 'kubeVersion', 'dependencies', 'type',
];

function omitEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === false || (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
}

/** yaml.Marshal(chart.Metadata): json tags with omitempty, keys sorted. */
export function metadataYaml(md: ChartMetadata): string {
  const out: Record<string, unknown> = {};
  for (const k of metadataOrder) {
    const v = md[k];
    if (k === 'dependencies' && Array.isArray(v)) {
      out[k] = (v as unknown as Record<string, unknown>[]).map((d) => {
        const o: Record<string, unknown> = {};
        for (const key of ['name', 'version', 'repository', 'condition', 'tags', 'enabled', 'import-values', 'alias']) {
          if (!omitEmpty(d[key])) o[key] = d[key];
        }
        if (o.repository === undefined) o.repository = '';
        return o;
      });
      continue;
    }
    if (!omitEmpty(v)) out[k] = v;
  }
  return marshalYaml(out);
}

export function chartArchiveName(md: ChartMetadata): string {
  return `${md.name}-${md.version}.tgz`;
}

function entries(c: LoadedChart, base: string): { name: string; data: Buffer }[] {
  const out: { name: string; data: Buffer }[] = [];
  out.push({ name: `${base}/Chart.yaml`, data: Buffer.from(metadataYaml(c.metadata)) });
  if (c.metadata.apiVersion === 'v2' && c.lock) out.push({ name: `${base}/Chart.lock`, data: Buffer.from(marshalYaml(c.lock)) });
  const values = c.raw.find((f) => f.name === 'values.yaml');
  if (values) out.push({ name: `${base}/values.yaml`, data: values.data });
  if (c.schema) out.push({ name: `${base}/values.schema.json`, data: c.schema });
  for (const f of c.templates) out.push({ name: `${base}/${f.name}`, data: f.data });
  for (const f of c.files) out.push({ name: `${base}/${f.name}`, data: f.data });
  for (const d of c.dependencies()) out.push(...entries(d, `${base}/charts/${d.name()}`));
  return out;
}

/** The .tgz bytes of a chart. */
export function saveChartArchive(c: LoadedChart, mtime = Date.now()): Buffer {
  return gzip(writeTar(entries(c, c.name()), mtime));
}
