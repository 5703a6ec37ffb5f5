// Events as controllers, the scheduler and the kubelet record them (core/v1 Event): repeated events
// about the same object with the same reason and message are folded into one with a growing count.
import type { KubeObject } from '../api/object.js';
import { StatusError } from '../api/errors.js';
import type { KubeClient } from './client.js';
import { R } from './factory.js';

interface Seen { name: string; namespace: string; count: number; first: string }

export class EventRecorder {
  private seen = new Map<string, Seen>();

  constructor(private readonly client: KubeClient, private readonly component: string, private readonly host?: string) {}

  /** Records an event about `obj`; never throws (events are best effort). */
  async event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const md = obj.metadata ?? {};
    const namespace = md.namespace || 'default';
    const key = `${md.uid}/${type}/${reason}/${message}`;
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const prior = this.seen.get(key);
    try {
      if (prior) {
        prior.count++;
        await this.client.patch(R.events, prior.namespace, prior.name, 'merge', { count: prior.count, lastTimestamp: now });
        return;
      }
      const name = `${md.name}.${Date.now().toString(16)}${Math.floor(Math.random() * 0xfff).toString(16)}`;
      await this.client.create(R.events, namespace, {
        apiVersion: 'v1', kind: 'Event',
        metadata: { name, namespace },
        involvedObject: { apiVersion: obj.apiVersion, kind: obj.kind, name: md.name, namespace: md.namespace, uid: md.uid, resourceVersion: md.resourceVersion },
        reason, message, type, count: 1, firstTimestamp: now, lastTimestamp: now,
        source: { component: this.component, ...(this.host ? { host: this.host } : {}) },
        reportingComponent: this.component, reportingInstance: this.host ?? '',
      });
      this.seen.set(key, { name, namespace, count: 1, first: now });
      if (this.seen.size > 4096) this.seen.delete(this.seen.keys().next().value as string);
    } catch (err) {
      if (err instanceof StatusError && err.code === 404 && prior) this.seen.delete(key);
    }
  }
}
