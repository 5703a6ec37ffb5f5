// Release storage as Helm 3 does it (pkg/storage and pkg/storage/driver): a driver that keeps one
// record per revision (Secrets in the release namespace, or memory for tests) and the Storage
// layer above it (history, last, deployed, max-history pruning).
import type { KubeClient, ResourceRef } from '../../client/client.js';
import { StatusError } from '../../api/errors.js';
import { releaseFromSecret, releaseKey, releaseSecret } from './codec.js';
import type { Release, ReleaseStatus } from './types.js';
import { deepClone } from '../../api/object.js';

/** driver.ErrReleaseNotFound */
export class ReleaseNotFoundError extends Error {
  constructor() { super('release: not found'); }
}
/** driver.ErrReleaseExists */
export class ReleaseExistsError extends Error {
  constructor() { super('release: already exists'); }
}
/** driver.ErrNoDeployedReleases */
export class NoDeployedReleasesError extends Error {
  constructor(name: string) { super(`"${name}" has no deployed releases`); }
}

export interface ReleaseDriver {
  readonly name: string;
  /** Throws ReleaseNotFoundError. */
  get(key: string): Promise<Release>;
  list(filter: (r: Release) => boolean): Promise<Release[]>;
  /** Releases whose labels match; throws ReleaseNotFoundError when none. */
  query(labels: Record<string, string>): Promise<Release[]>;
  /** Throws ReleaseExistsError. */
  create(key: string, rls: Release): Promise<void>;
  update(key: string, rls: Release): Promise<void>;
  delete(key: string): Promise<Release>;
}

const SECRETS: ResourceRef = { group: '', version: 'v1', resource: 'secrets', namespaced: true };

function labelSelector(labels: Record<string, string>): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
}

/** The Secrets driver: records are Secrets `sh.helm.release.v1.NAME.vREV` of type helm.sh/release.v1. */
export class SecretsDriver implements ReleaseDriver {
  readonly name = 'Secret';
  /** `namespace` '' lists across all namespaces (helm list -A); get/create need a namespace. */
  constructor(private readonly client: KubeClient, readonly namespace: string, private readonly log: (m: string) => void = () => {}) {}

  async get(key: string): Promise<Release> {
    let obj: { metadata?: { labels?: Record<string, string> }; data?: Record<string, string> };
    try {
      obj = await this.client.get(SECRETS, this.namespace, key);
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) throw new ReleaseNotFoundError();
      throw new Error(`get: failed to get "${key}": ${(err as Error).message}`);
    }
    try {
      return releaseFromSecret(obj);
    } catch (err) {
      throw new Error(`get: failed to decode data "${key}": ${(err as Error).message}`);
    }
  }

  private async listSecrets(selector: string, what: string): Promise<Release[]> {
    let list;
    try {
      list = await this.client.list<{ metadata?: { name?: string; labels?: Record<string, string> }; data?: Record<string, string> }>(SECRETS, this.namespace || undefined, { labelSelector: selector });
    } catch (err) {
      throw new Error(`${what}: ${(err as Error).message}`);
    }
    const out: Release[] = [];
    for (const item of list.items) {
      try {
        out.push(releaseFromSecret(item));
      } catch (err) {
        this.log(`list: failed to decode release: ${item.metadata?.name}: ${(err as Error).message}`);
      }
    }
    return out;
  }

  async list(filter: (r: Release) => boolean): Promise<Release[]> {
    return (await this.listSecrets('owner=helm', 'list: failed to list')).filter(filter);
  }

  async query(labels: Record<string, string>): Promise<Release[]> {
    const res = await this.listSecrets(labelSelector(labels), 'query: failed to query with labels');
    if (res.length === 0) throw new ReleaseNotFoundError();
    return res;
  }

  async create(key: string, rls: Release): Promise<void> {
    const obj = releaseSecret(rls, 'create');
    try {
      await this.client.create(SECRETS, rls.namespace || this.namespace, obj);
    } catch (err) {
      if (err instanceof StatusError && err.code === 409) throw new ReleaseExistsError();
      throw new Error(`create: failed to create: ${(err as Error).message}`);
    }
  }

  async update(key: string, rls: Release): Promise<void> {
    const obj = releaseSecret(rls, 'update');
    try {
      await this.client.update(SECRETS, rls.namespace || this.namespace, key, obj);
    } catch (err) {
      throw new Error(`update: failed to update: ${(err as Error).message}`);
    }
  }

  async delete(key: string): Promise<Release> {
    const rls = await this.get(key);
    await this.client.delete(SECRETS, this.namespace, key);
    return rls;
  }
}

/** An in-memory driver (Helm's driver.Memory), for tests and dry runs. */
export class MemoryDriver implements ReleaseDriver {
  readonly name = 'Memory';
  private readonly records = new Map<string, Release>();

  private copy(r: Release): Release {
    return deepClone(r);
  }

  async get(key: string): Promise<Release> {
    const r = this.records.get(key);
    if (!r) throw new ReleaseNotFoundError();
    return this.copy(r);
  }

  async list(filter: (r: Release) => boolean): Promise<Release[]> {
    return [...this.records.values()].map((r) => this.copy(r)).filter(filter);
  }

  async query(labels: Record<string, string>): Promise<Release[]> {
    const match = (r: Release) => Object.entries(labels).every(([k, v]) => {
      switch (k) {
        case 'name': return r.name === v;
        case 'owner': return v === 'helm';
        case 'status': return r.info.status === v;
        case 'version': return String(r.version) === v;
        default: return r.labels?.[k] === v;
      }
    });
    const res = [...this.records.values()].filter(match).map((r) => this.copy(r));
    if (res.length === 0) throw new ReleaseNotFoundError();
    return res;
  }

  async create(key: string, rls: Release): Promise<void> {
    if (this.records.has(key)) throw new ReleaseExistsError();
    this.records.set(key, this.copy(rls));
  }

  async update(key: string, rls: Release): Promise<void> {
    if (!this.records.has(key)) throw new ReleaseNotFoundError();
    this.records.set(key, this.copy(rls));
  }

  async delete(key: string): Promise<Release> {
    const r = this.records.get(key);
    if (!r) throw new ReleaseNotFoundError();
    this.records.delete(key);
    return this.copy(r);
  }
}

export function sortByRevision(rs: Release[]): Release[] {
  return rs.sort((a, b) => a.version - b.version);
}

/** pkg/storage.Storage */
export class Storage {
  /** 0 = unlimited */
  maxHistory = 0;

  constructor(readonly driver: ReleaseDriver, private readonly log: (m: string) => void = () => {}) {}

  get(name: string, version: number): Promise<Release> {
    return this.driver.get(releaseKey(name, version));
  }

  async create(rls: Release): Promise<void> {
    if (this.maxHistory > 0) {
      // Want to make space for one more release.
      try {
        await this.removeLeastRecent(rls.name, this.maxHistory - 1);
      } catch (err) {
        if (!(err instanceof ReleaseNotFoundError)) throw err;
      }
    }
    await this.driver.create(releaseKey(rls.name, rls.version), rls);
  }

  update(rls: Release): Promise<void> {
    return this.driver.update(releaseKey(rls.name, rls.version), rls);
  }

  delete(name: string, version: number): Promise<Release> {
    return this.driver.delete(releaseKey(name, version));
  }

  listReleases(): Promise<Release[]> {
    return this.driver.list(() => true);
  }

  /** All revisions of a release; throws ReleaseNotFoundError when there are none. */
  history(name: string): Promise<Release[]> {
    return this.driver.query({ name, owner: 'helm' });
  }

  /** The revisions in status deployed; throws NoDeployedReleasesError when none. */
  async deployedAll(name: string): Promise<Release[]> {
    try {
      return await this.driver.query({ name, owner: 'helm', status: 'deployed' });
    } catch (err) {
      if (err instanceof ReleaseNotFoundError) throw new NoDeployedReleasesError(name);
      throw err;
    }
  }

  /** The latest deployed revision. */
  async deployed(name: string): Promise<Release> {
    const ls = await this.deployedAll(name);
    if (ls.length === 0) throw new NoDeployedReleasesError(name);
    return sortByRevision(ls)[ls.length - 1]!;
  }

  /** The highest revision, whatever its status. */
  async last(name: string): Promise<Release> {
    const h = await this.history(name);
    if (h.length === 0) throw new Error(`no revision for release "${name}"`);
    return sortByRevision(h)[h.length - 1]!;
  }

  /** Deletes the oldest revisions so at most `max` remain, never the deployed one. */
  async removeLeastRecent(name: string, max: number): Promise<void> {
    if (max < 0) return;
    const h = await this.history(name);
    if (h.length <= max) return;
    sortByRevision(h);
    let lastDeployed: Release | undefined;
    try {
      lastDeployed = await this.deployed(name);
    } catch (err) {
      if (!(err instanceof NoDeployedReleasesError)) throw err;
    }
    const toDelete: Release[] = [];
    for (const rel of h) {
      if (h.length - toDelete.length === max) break;
      if (lastDeployed) {
        if (rel.version !== lastDeployed.version) toDelete.push(rel);
      } else {
        toDelete.push(rel);
      }
    }
    const errs: string[] = [];
    for (const rel of toDelete) {
      try {
        await this.delete(name, rel.version);
      } catch (err) {
        errs.push((err as Error).message);
      }
    }
    this.log(`Pruned ${toDelete.length} record(s) from ${name} with ${errs.length} error(s)`);
    if (errs.length) throw new Error(`error pruning release history: ${errs.join('; ')}`);
  }
}

export type { ReleaseStatus };
