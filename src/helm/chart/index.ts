// Charts: loading (directories and .tgz), metadata validation, dependency processing, archives.

export { LoadedChart, type ChartFile, type ChartMetadata, type ChartDependency, type ChartLock, type Maintainer } from './types.js';
export { loadChart, loadDir, loadArchive, loadFiles, dirFiles, archiveFiles, validateMetadata, isValidSemver, ChartLoadError } from './load.js';
export { processDependencies, isCompatibleRange } from './dependencies.js';
export { HelmIgnore, goMatch } from './helmignore.js';
export { readTar, writeTar, gzip, gunzip, isGzip, type TarEntry } from './tar.js';
export { saveChartArchive, chartArchiveName, metadataYaml } from './save.js';
