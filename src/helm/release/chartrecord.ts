// The chart as a release stores it (chart.Chart's JSON: metadata, lock, templates, values, schema,
// files; subcharts are not stored), made from a loaded chart, and the values a stored chart
// yields (chartutil.CoalesceValues on a chart without dependencies).
import type { LoadedChart } from '../chart/index.js';
import { coalesceValues, type CoalesceChart } from '../values/index.js';
import type { ChartFile, ChartMetadata, ReleaseChart } from './types.js';
import { chartName } from './types.js';

function file(f: { name: string; data: Buffer }): ChartFile {
  return { name: f.name, data: f.data.toString('base64') };
}

/** The ReleaseChart of a loaded chart. */
export function toReleaseChart(c: LoadedChart): ReleaseChart {
  const md: ChartMetadata = JSON.parse(JSON.stringify(c.metadata));
  const hasValuesFile = c.raw.some((f) => f.name === 'values.yaml');
  return {
    metadata: md,
    lock: c.lock ? { generated: c.lock.generated, digest: c.lock.digest, dependencies: c.lock.dependencies.map((d) => ({ ...d })) } : null,
    templates: c.templates.length ? c.templates.map(file) : null,
    values: hasValuesFile || Object.keys(c.values).length ? c.values : null,
    schema: c.schema ? c.schema.toString('base64') : null,
    files: c.files.length ? c.files.map(file) : null,
  };
}

/** The computed values of a stored release: the stored chart's defaults under the user's values. */
export function storedChartValues(chart: ReleaseChart | null, config: Record<string, unknown> | null, warn: (m: string) => void = () => {}): Record<string, unknown> {
  const cc: CoalesceChart = { name: () => chartName(chart), values: chart?.values ?? {}, dependencies: () => [] };
  return coalesceValues(cc, config, warn);
}
