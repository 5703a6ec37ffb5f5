// timonel's kube-scheduler: informers on nodes, pods and namespaces feed a SchedulerLoop, whose API
// writes go through the KubeClient — bindings (POST pods/<name>/binding), the PodScheduled condition
// (strategic-merge PATCH of pods/<name>/status) and core/v1 Events from "default-scheduler"
// (identical events about a pod are aggregated into one with a count, as client-go's recorder does).
import { hostname } from 'node:os';
import type { Namespace, Node, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../api/object.js';
import { resourcePath, type KubeClient, type ResourceRef } from '../client/client.js';
import { Informer } from '../client/informer.js';
import { rfc3339, SchedulerLoop, type SchedulerApi, type SchedulerEvent, type SchedulerLoopOptions } from './loop.js';
import { DEFAULT_SCHEDULER_NAME } from './profile.js';

const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods', namespaced: true };
const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false };
const NAMESPACES: ResourceRef = { group: '', version: 'v1', resource: 'namespaces', namespaced: false };
const EVENTS: ResourceRef = { group: '', version: 'v1', resource: 'events', namespaced: true };

export interface SchedulerOptions extends SchedulerLoopOptions {
  /** Events' reportingInstance (default: default-scheduler-<hostname>). */
  instance?: string;
}

interface EventSeries {
  name: string;
  namespace: string;
  count: number;
}

const MAX_EVENT_SERIES = 4096;

/** A SchedulerApi over the REST client. */
export function kubeSchedulerApi(client: KubeClient, opts: { component?: string; instance?: string; now?: () => Date } = {}): SchedulerApi {
  const component = opts.component ?? DEFAULT_SCHEDULER_NAME;
  const instance = opts.instance ?? `${component}-${hostname()}`;
  const series = new Map<string, EventSeries>();
  let seq = 0n;
  const now = () => opts.now?.() ?? new Date();

  return {
    async bind(pod: Pod, nodeName: string): Promise<void> {
      const { name = '', namespace = '', uid } = pod.metadata ?? {};
      await client.request('POST', resourcePath(PODS, namespace, name, 'binding'), {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, namespace, ...(uid ? { uid } : {}) },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      });
    },

    async setPodCondition(pod: Pod, condition: PodCondition): Promise<void> {
      const { name = '', namespace = '' } = pod.metadata ?? {};
      await client.patch(PODS, namespace, name, 'strategic', { status: { conditions: [condition] } }, { subresource: 'status' });
    },

    async recordEvent(pod: Pod, e: SchedulerEvent): Promise<void> {
      const { name = '', namespace = '', uid = '', resourceVersion } = pod.metadata ?? {};
      const ts = rfc3339(now());
      const key = `${uid}\0${e.type}\0${e.reason}\0${e.message}`;
      const prev = series.get(key);
      if (prev) {
        prev.count++;
        try {
          await client.patch(EVENTS, prev.namespace, prev.name, 'merge', { count: prev.count, lastTimestamp: ts });
          return;
        } catch {
          series.delete(key); // gone (expired or deleted): start a new series
        }
      }
      const eventName = `${name}.${(BigInt(now().getTime()) * 1_000_000n + (seq++ % 1_000_000n)).toString(16)}`;
      await client.create(EVENTS, namespace, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: eventName, namespace },
        involvedObject: { kind: 'Pod', namespace, name, uid, apiVersion: 'v1', ...(resourceVersion ? { resourceVersion } : {}) },
        reason: e.reason,
        message: e.message,
        type: e.type,
        source: { component },
        firstTimestamp: ts,
        lastTimestamp: ts,
        count: 1,
        action: e.action,
        reportingComponent: component,
        reportingInstance: instance,
      });
      if (series.size >= MAX_EVENT_SERIES) series.delete(series.keys().next().value!);
      series.set(key, { name: eventName, namespace, count: 1 });
    },
  };
}

const asPod = (o: KubeObject): Pod => o as unknown as Pod;
const asNode = (o: KubeObject): Node => o as unknown as Node;
const asNamespace = (o: KubeObject): Namespace => o as unknown as Namespace;

export class Scheduler {
  readonly loop: SchedulerLoop;
  private readonly informers: Informer[];

  constructor(client: KubeClient, opts: SchedulerOptions = {}) {
    this.loop = new SchedulerLoop(kubeSchedulerApi(client, { instance: opts.instance, now: opts.now }), opts);
    const loop = this.loop;
    const nodes = new Informer(client, NODES);
    nodes.on({
      add: (n) => loop.onNodeAdd(asNode(n)),
      update: (n, old) => loop.onNodeUpdate(asNode(n), asNode(old)),
      delete: (n) => loop.onNodeDelete(asNode(n)),
    });
    const pods = new Informer(client, PODS);
    pods.on({
      add: (p) => loop.onPodAdd(asPod(p)),
      update: (p, old) => loop.onPodUpdate(asPod(p), asPod(old)),
      delete: (p) => loop.onPodDelete(asPod(p)),
    });
    const namespaces = new Informer(client, NAMESPACES);
    namespaces.on({
      add: (ns) => loop.onNamespace(asNamespace(ns)),
      update: (ns) => loop.onNamespace(asNamespace(ns)),
      delete: (ns) => loop.onNamespaceDelete(asNamespace(ns)),
    });
    this.informers = [nodes, namespaces, pods];
  }

  /** Starts watching; resolves once the caches are synced and scheduling has begun. */
  async start(): Promise<void> {
    for (const inf of this.informers) inf.start();
    await Promise.all(this.informers.map((inf) => inf.waitForSync()));
    this.loop.start();
  }

  stop(): void {
    for (const inf of this.informers) inf.stop();
    this.loop.stop();
  }
}
