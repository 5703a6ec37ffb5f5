// Service address allocation: cluster IPs from the service CIDR and node ports from their range.
// Allocations are derived from the services the watch cache holds, so nothing extra is stored.
import type { KubeObject } from '../api/object.js';
import { errors } from '../api/errors.js';
import type { WatchCache } from './watchcache.js';

export interface ServiceNetwork {
  /** e.g. 10.43.0.0/16 */
  cidr: string;
  nodePortRange: [number, number];
}

export const DEFAULT_SERVICE_NETWORK: ServiceNetwork = { cidr: '10.43.0.0/16', nodePortRange: [30000, 32767] };

function ipToInt(ip: string): number {
  return ip.split('.').reduce((a, o) => (a << 8) + Number(o), 0) >>> 0;
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseCidr(cidr: string): { base: number; size: number } {
  const [ip, bits] = cidr.split('/');
  const prefix = Number(bits);
  const size = 2 ** (32 - prefix);
  return { base: (ipToInt(ip) & ~(size - 1)) >>> 0, size };
}

export class ServiceAllocator {
  private readonly net: { base: number; size: number };
  private next = 10;

  constructor(private readonly cache: WatchCache, private readonly config: ServiceNetwork = DEFAULT_SERVICE_NETWORK) {
    this.net = parseCidr(config.cidr);
  }

  /** The first usable address (the `kubernetes` service's). */
  get apiServiceIP(): string {
    return intToIp(this.net.base + 1);
  }

  private used(): { ips: Set<string>; ports: Set<number> } {
    const ips = new Set<string>();
    const ports = new Set<number>();
    for (const e of this.cache.list('/registry/core/services/')) {
      const spec = (e.obj.spec ?? {}) as { clusterIPs?: string[]; clusterIP?: string; ports?: Array<{ nodePort?: number }> };
      for (const ip of spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])) ips.add(ip);
      for (const p of spec.ports ?? []) if (p.nodePort) ports.add(p.nodePort);
    }
    return { ips, ports };
  }

  inRange(ip: string): boolean {
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return false;
    const n = ipToInt(ip);
    return n > this.net.base && n < this.net.base + this.net.size - 1;
  }

  /** Fills in spec.clusterIP(s) and node ports of a new Service. */
  allocate(svc: KubeObject, old?: KubeObject): void {
    const spec = (svc.spec ??= {}) as { type?: string; clusterIP?: string; clusterIPs?: string[]; ports?: Array<{ nodePort?: number; port?: number }> };
    const oldSpec = (old?.spec ?? {}) as typeof spec;
    const used = this.used();
    if (old) {
      for (const ip of oldSpec.clusterIPs ?? []) used.ips.delete(ip);
      for (const p of oldSpec.ports ?? []) if (p.nodePort) used.ports.delete(p.nodePort);
    }
    if (spec.type !== 'ExternalName') {
      const fam = spec as { ipFamilies?: string[]; ipFamilyPolicy?: string };
      fam.ipFamilies ??= ['IPv4'];
      fam.ipFamilyPolicy ??= 'SingleStack';
    }
    if (spec.type === 'ExternalName') {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    } else if (old && oldSpec.clusterIP && !spec.clusterIP) {
      spec.clusterIP = oldSpec.clusterIP;
      spec.clusterIPs = oldSpec.clusterIPs ?? [oldSpec.clusterIP];
    } else if (spec.clusterIP === 'None') {
      spec.clusterIPs = ['None'];
    } else if (spec.clusterIP) {
      if (!old || spec.clusterIP !== oldSpec.clusterIP) {
        if (!this.inRange(spec.clusterIP)) {
          throw errors.invalid('Service', '', svc.metadata?.name ?? '', [{ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: ["${spec.clusterIP}"]: failed to allocate IP ${spec.clusterIP}: provided IP is not in the valid range. The range of valid IPs is ${this.config.cidr}` }]);
        }
        if (used.ips.has(spec.clusterIP)) {
          throw errors.invalid('Service', '', svc.metadata?.name ?? '', [{ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: ["${spec.clusterIP}"]: failed to allocate IP ${spec.clusterIP}: provided IP is already allocated` }]);
        }
      }
      spec.clusterIPs = [spec.clusterIP];
    } else {
      const ip = this.pickIp(used.ips);
      spec.clusterIP = ip;
      spec.clusterIPs = [ip];
    }
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
      for (const p of spec.ports ?? []) {
        if (p.nodePort) {
          const was = (oldSpec.ports ?? []).some((o) => o.nodePort === p.nodePort);
          if (!was && used.ports.has(p.nodePort)) {
            throw errors.invalid('Service', '', svc.metadata?.name ?? '', [{ reason: 'FieldValueInvalid', field: 'spec.ports[].nodePort', message: `Invalid value: ${p.nodePort}: provided port is already allocated` }]);
          }
          used.ports.add(p.nodePort);
        } else {
          p.nodePort = this.pickPort(used.ports);
          used.ports.add(p.nodePort);
        }
      }
    } else {
      for (const p of spec.ports ?? []) delete p.nodePort;
    }
  }

  private pickIp(used: Set<string>): string {
    const usable = this.net.size - 2;
    for (let i = 0; i < usable; i++) {
      const off = ((this.next + i) % usable) + 1;
      const ip = intToIp(this.net.base + off);
      if (off === 1 || used.has(ip)) continue; // .1 is the API server's service
      this.next = off + 1;
      return ip;
    }
    throw errors.internal(`failed to allocate a serviceIP: range is full`);
  }

  private pickPort(used: Set<number>): number {
    const [lo, hi] = this.config.nodePortRange;
    const span = hi - lo + 1;
    const start = Math.floor(Math.random() * span);
    for (let i = 0; i < span; i++) {
      const p = lo + ((start + i) % span);
      if (!used.has(p)) return p;
    }
    throw errors.internal('failed to allocate a nodePort: range is full');
  }
}
