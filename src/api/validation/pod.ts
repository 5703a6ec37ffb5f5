// PodSpec / PodTemplateSpec validation (pkg/apis/core/validation), the parts that decide whether a
// workload is accepted: volumes, containers, ports, env, mounts, resources, probes, policies.
import type { StatusCause } from '../errors.js';
import { fe, child, index, key, msg, GoText, goQuote } from './fielderr.js';
import {
  isDNS1123Label, isDNS1123Subdomain, isValidPortName, isValidPortNum, isRelaxedEnvVarName, isConfigMapKey,
  isQualifiedName, isHTTPHeaderName, isValidIP, nameIsDNSSubdomain,
} from './names.js';
import { asObj, asArr, asStr, asNum, has, validateLabels, validateAnnotations, validateLabelName, type Obj } from './meta.js';
import { parseQuantity, compareQuantity, formatQuantity, type Quantity } from './quantity.js';
import { isValidLabelValue } from './names.js';

const FILE_MODE_MSG = 'must be a number between 0 and 0777 (octal), both inclusive';
const VOLUME_SOURCES = ['emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'flocker', 'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc', 'flexVolume', 'configMap', 'azureFile',
  'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'storageos', 'projected', 'scaleIO', 'csi', 'ephemeral', 'image'];

export interface PodOptions {
  /** the spec belongs to a Pod (not a template) */
  isPod?: boolean;
  podName?: string;
}

function nonNegative(v: unknown, path: string): StatusCause[] {
  return asNum(v) < 0 ? [fe.invalid(path, asNum(v), msg.negative)] : [];
}

function validateMode(v: unknown, path: string): StatusCause[] {
  if (!has(v)) return [];
  const n = asNum(v);
  return n > 0o777 || n < 0 ? [fe.invalid(path, n, FILE_MODE_MSG)] : [];
}

function validateLocalDescendingPath(p: string, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (p.startsWith('/')) out.push(fe.invalid(path, p, 'must be a relative path'));
  if (p.split('/').includes('..')) out.push(fe.invalid(path, p, "must not contain '..'"));
  return out;
}

function validateLocalNonReservedPath(p: string, path: string): StatusCause[] {
  const out = validateLocalDescendingPath(p, path);
  if (p.startsWith('..') && !p.startsWith('../')) out.push(fe.invalid(path, p, "must not start with '..'"));
  return out;
}

function validateKeyToPath(kp: Obj, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (!asStr(kp.key)) out.push(fe.required(child(path, 'key'), ''));
  if (!asStr(kp.path)) out.push(fe.required(child(path, 'path'), ''));
  out.push(...validateLocalNonReservedPath(asStr(kp.path), child(path, 'path')));
  out.push(...validateMode(kp.mode, child(path, 'mode')));
  return out;
}

function validateVolumeSource(v: Obj, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  let n = 0;
  for (const src of VOLUME_SOURCES) {
    if (!has(v[src])) continue;
    const p = child(path, src);
    if (n > 0) {
      out.push(fe.forbidden(p, 'may not specify more than 1 volume type'));
      continue;
    }
    n++;
    const s = asObj(v[src]);
    switch (src) {
      case 'emptyDir':
        if (has(s.sizeLimit) && asStr(s.sizeLimit).trim().startsWith('-')) out.push(fe.forbidden(child(p, 'sizeLimit'), 'SizeLimit field must be a valid resource quantity'));
        break;
      case 'hostPath': {
        const hp = asStr(s.path);
        if (!hp) out.push(fe.required(child(p, 'path'), ''));
        else {
          if (hp.split('/').includes('..')) out.push(fe.invalid(child(p, 'path'), hp, "must not contain '..'"));
          const types = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
          if (has(s.type) && !types.includes(asStr(s.type))) out.push(fe.notSupported(child(p, 'type'), asStr(s.type), types));
        }
        break;
      }
      case 'secret':
        if (!asStr(s.secretName)) out.push(fe.required(child(p, 'secretName'), ''));
        out.push(...validateMode(s.defaultMode, child(p, 'defaultMode')));
        asArr(s.items).forEach((it, i) => out.push(...validateKeyToPath(asObj(it), index(child(p, 'items'), i))));
        break;
      case 'configMap':
        if (!asStr(s.name)) out.push(fe.required(child(p, 'name'), ''));
        out.push(...validateMode(s.defaultMode, child(p, 'defaultMode')));
        asArr(s.items).forEach((it, i) => out.push(...validateKeyToPath(asObj(it), index(child(p, 'items'), i))));
        break;
      case 'persistentVolumeClaim':
        if (!asStr(s.claimName)) out.push(fe.required(child(p, 'claimName'), ''));
        break;
      case 'nfs':
        if (!asStr(s.server)) out.push(fe.required(child(p, 'server'), ''));
        if (!asStr(s.path)) out.push(fe.required(child(p, 'path'), ''));
        if (!asStr(s.path).startsWith('/')) out.push(fe.invalid(child(p, 'path'), asStr(s.path), 'must be an absolute path'));
        break;
      case 'downwardAPI':
        out.push(...validateMode(s.defaultMode, child(p, 'defaultMode')));
        for (const it of asArr(s.items)) {
          const f = asObj(it);
          if (!asStr(f.path)) out.push(fe.required(child(p, 'path'), ''));
          out.push(...validateLocalNonReservedPath(asStr(f.path), child(p, 'path')));
          if (!has(f.fieldRef) && !has(f.resourceFieldRef)) out.push(fe.required(p, 'one of fieldRef and resourceFieldRef is required'));
          out.push(...validateMode(f.mode, child(p, 'mode')));
        }
        break;
      case 'projected':
        out.push(...validateMode(s.defaultMode, child(p, 'defaultMode')));
        asArr(s.sources).forEach((srcIn, i) => {
          const sp = index(child(p, 'sources'), i);
          const source = asObj(srcIn);
          const kinds = ['secret', 'configMap', 'downwardAPI', 'serviceAccountToken', 'clusterTrustBundle'].filter((k) => has(source[k]));
          if (kinds.length > 1) out.push(fe.forbidden(sp, 'may not specify more than 1 volume type per source'));
          const sat = asObj(source.serviceAccountToken);
          if (has(source.serviceAccountToken)) {
            const exp = asNum(sat.expirationSeconds);
            if (exp < 600) out.push(fe.invalid(child(sp, 'serviceAccountToken', 'expirationSeconds'), exp, 'may not specify a duration less than 10 minutes'));
            if (!asStr(sat.path)) out.push(fe.required(child(p, 'path'), ''));
          }
        });
        break;
      case 'gitRepo':
        if (!asStr(s.repository)) out.push(fe.required(child(p, 'repository'), ''));
        out.push(...validateLocalDescendingPath(asStr(s.directory), child(p, 'directory')));
        break;
      case 'csi':
        if (!asStr(s.driver)) out.push(fe.required(child(p, 'driver'), ''));
        break;
    }
  }
  if (n === 0) out.push(fe.required(path, 'must specify a volume type'));
  return out;
}

/** ValidateVolumes: returns the names of the valid volumes (for mount checks) and the errors. */
export function validateVolumes(volumes: unknown, path: string): { names: Set<string>; errs: StatusCause[] } {
  const names = new Set<string>();
  const errs: StatusCause[] = [];
  asArr(volumes).forEach((vIn, i) => {
    const v = asObj(vIn);
    const p = index(path, i);
    const name = asStr(v.name);
    const el = validateVolumeSource(v, p);
    if (!name) el.push(fe.required(child(p, 'name'), ''));
    else for (const m of isDNS1123Label(name)) el.push(fe.invalid(child(p, 'name'), name, m));
    if (names.has(name)) el.push(fe.duplicate(child(p, 'name'), name));
    if (el.length === 0) names.add(name);
    else errs.push(...el);
  });
  return { names, errs };
}

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const isHugePages = (r: string) => r.startsWith('hugepages-') || r.startsWith('requests.hugepages-');
const isNative = (r: string) => !r.includes('/') || r.includes('kubernetes.io/');
const overcommitAllowed = (r: string) => isNative(r) && !isHugePages(r);
const isIntegerResource = (r: string) => !isNative(r) || r.startsWith('attachable-volumes-');

function validateContainerResourceName(name: string, path: string): StatusCause[] {
  const out = isQualifiedName(name).map((m) => fe.invalid(path, name, m));
  if (out.length) return out;
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !name.startsWith('hugepages-')) {
      return [fe.invalid(path, name, 'must be a standard resource type or fully qualified'), fe.invalid(path, name, 'must be a standard resource for containers')];
    }
  } else if (!isNative(name) && name.startsWith('requests.')) {
    return [fe.invalid(path, name, "doesn't follow extended resource name standard")];
  }
  return out;
}

function quantityOf(v: unknown): Quantity | undefined {
  try {
    return parseQuantity(typeof v === 'number' ? String(v) : asStr(v).trim());
  } catch {
    return undefined;
  }
}

function validateResourceQuantityValue(resource: string, q: Quantity, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (q.negative && q.mantissa !== 0n) out.push(fe.invalid(path, formatQuantity(q), msg.negative));
  if (isIntegerResource(resource)) {
    const milli = q.scale >= -3;
    const isInt = q.scale >= 0 || q.mantissa % 10n ** BigInt(-q.scale) === 0n;
    if (!isInt || !milli) out.push(fe.invalid(path, new GoText(formatQuantity(q)), 'must be an integer'));
  }
  return out;
}

/** ValidateContainerResourceRequirements. */
export function validateResourceRequirements(resIn: unknown, path: string): StatusCause[] {
  const res = asObj(resIn);
  const out: StatusCause[] = [];
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits = asObj(res.limits);
  let cpuMem = false;
  let huge = false;
  for (const [name, v] of Object.entries(limits)) {
    const p = key(limPath, name);
    out.push(...validateContainerResourceName(name, p));
    const q = quantityOf(v);
    if (q) out.push(...validateResourceQuantityValue(name, q, p));
    if (isHugePages(name)) huge = true;
    if (name === 'cpu' || name === 'memory') cpuMem = true;
  }
  for (const [name, v] of Object.entries(asObj(res.requests))) {
    const p = key(reqPath, name);
    out.push(...validateContainerResourceName(name, p));
    const q = quantityOf(v);
    if (q) out.push(...validateResourceQuantityValue(name, q, p));
    const lim = name in limits ? quantityOf(limits[name]) : undefined;
    if (q && lim) {
      const c = compareQuantity(q, lim);
      if (c !== 0 && !overcommitAllowed(name)) out.push(fe.invalid(reqPath, formatQuantity(q), `must be equal to ${name} limit of ${formatQuantity(lim)}`));
      else if (c > 0) out.push(fe.invalid(reqPath, formatQuantity(q), `must be less than or equal to ${name} limit of ${formatQuantity(lim)}`));
    } else if (!(name in limits) && !overcommitAllowed(name)) {
      out.push(fe.required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePages(name)) huge = true;
    if (name === 'cpu' || name === 'memory') cpuMem = true;
  }
  if (!cpuMem && huge) out.push(fe.forbidden(path, 'HugePages require cpu or memory'));
  return out;
}

function intOrStringText(v: unknown): GoText {
  return typeof v === 'string'
    ? new GoText(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`)
    : new GoText(`intstr.IntOrString{Type:0, IntVal:${asNum(v)}, StrVal:""}`);
}
export { intOrStringText };

export function validatePortNumOrName(port: unknown, path: string): StatusCause[] {
  if (typeof port === 'string') return isValidPortName(port).map((m) => fe.invalid(path, port, m));
  return isValidPortNum(asNum(port)).map((m) => fe.invalid(path, asNum(port), m));
}

function validateHandler(hIn: unknown, path: string, gracePeriod: number | undefined, allowSleep: boolean): StatusCause[] {
  const h = asObj(hIn);
  const out: StatusCause[] = [];
  let n = 0;
  const kinds: Array<[string, boolean]> = [['exec', true], ['httpGet', true], ['tcpSocket', true], ['grpc', !allowSleep], ['sleep', allowSleep]];
  for (const [k, allowed] of kinds) {
    if (!has(h[k]) || !allowed) continue;
    const p = child(path, k);
    if (n > 0) {
      out.push(fe.forbidden(p, 'may not specify more than 1 handler type'));
      continue;
    }
    n++;
    const a = asObj(h[k]);
    if (k === 'exec' && asArr(a.command).length === 0) out.push(fe.required(child(p, 'command'), ''));
    if (k === 'httpGet') {
      if (!asStr(a.path)) out.push(fe.required(child(p, 'path'), ''));
      out.push(...validatePortNumOrName(a.port, child(p, 'port')));
      const scheme = asStr(a.scheme);
      if (scheme !== 'HTTP' && scheme !== 'HTTPS') out.push(fe.notSupported(child(p, 'scheme'), scheme, ['HTTP', 'HTTPS']));
      for (const hd of asArr(a.httpHeaders)) {
        const name = asStr(asObj(hd).name);
        for (const m of isHTTPHeaderName(name)) out.push(fe.invalid(child(p, 'httpHeaders'), name, m));
      }
    }
    if (k === 'tcpSocket') out.push(...validatePortNumOrName(a.port, child(p, 'port')));
    if (k === 'grpc') out.push(...validatePortNumOrName(asNum(a.port), child(p, 'port')));
    if (k === 'sleep' && gracePeriod !== undefined) {
      const s = asNum(a.seconds);
      if (s <= 0 || s > gracePeriod) out.push(fe.invalid(p, s, `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`));
    }
  }
  if (n === 0) out.push(fe.required(path, 'must specify a handler type'));
  return out;
}

function validateProbe(pIn: unknown, path: string, kind: 'liveness' | 'readiness' | 'startup', grace: number | undefined): StatusCause[] {
  if (!has(pIn)) return [];
  const p = asObj(pIn);
  const out = validateHandler(p, path, grace, false);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) out.push(...nonNegative(p[f], child(path, f)));
  if (has(p.terminationGracePeriodSeconds) && asNum(p.terminationGracePeriodSeconds) <= 0) {
    out.push(fe.invalid(child(path, 'terminationGracePeriodSeconds'), asNum(p.terminationGracePeriodSeconds), 'must be greater than 0'));
  }
  if (kind === 'readiness' && has(p.terminationGracePeriodSeconds)) {
    out.push(fe.invalid(child(path, 'terminationGracePeriodSeconds'), new GoText(`&${asNum(p.terminationGracePeriodSeconds)}`), 'must not be set for readinessProbes'));
  }
  if (kind !== 'readiness' && asNum(p.successThreshold) !== 1) out.push(fe.invalid(child(path, 'successThreshold'), asNum(p.successThreshold), 'must be 1'));
  return out;
}

function validateLifecycle(lcIn: unknown, path: string, grace: number | undefined): StatusCause[] {
  const lc = asObj(lcIn);
  const out: StatusCause[] = [];
  if (has(lc.postStart)) out.push(...validateHandler(lc.postStart, child(path, 'postStart'), grace, true));
  if (has(lc.preStop)) out.push(...validateHandler(lc.preStop, child(path, 'preStop'), grace, true));
  return out;
}

const ENV_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];

function validateEnv(envIn: unknown, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  asArr(envIn).forEach((eIn, i) => {
    const e = asObj(eIn);
    const p = index(path, i);
    const name = asStr(e.name);
    if (!name) out.push(fe.required(child(p, 'name'), ''));
    else for (const m of isRelaxedEnvVarName(name)) out.push(fe.invalid(child(p, 'name'), name, m));
    if (!has(e.valueFrom)) return;
    const vf = asObj(e.valueFrom);
    const vp = child(p, 'valueFrom');
    let n = 0;
    if (has(vf.fieldRef)) {
      n++;
      const fr = asObj(vf.fieldRef);
      const frp = child(vp, 'fieldRef');
      const fp = asStr(fr.fieldPath);
      if (!asStr(fr.apiVersion)) out.push(fe.required(child(frp, 'apiVersion'), ''));
      else if (!fp) out.push(fe.required(child(frp, 'fieldPath'), ''));
      else {
        const sub = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(fp);
        if (sub) for (const m of isQualifiedName(sub[1] === 'metadata.annotations' ? sub[2].toLowerCase() : sub[2])) out.push(fe.invalid(frp, sub[2], m));
        else if (!ENV_FIELD_PATHS.includes(fp)) out.push(fe.notSupported(child(frp, 'fieldPath'), fp, ENV_FIELD_PATHS));
      }
    }
    if (has(vf.resourceFieldRef)) {
      n++;
      const rf = asObj(vf.resourceFieldRef);
      const res = asStr(rf.resource);
      const allowed = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];
      if (!res) out.push(fe.required(child(vp, 'resourceFieldRef', 'resource'), ''));
      else if (!allowed.includes(res) && !res.startsWith('limits.hugepages-') && !res.startsWith('requests.hugepages-')) out.push(fe.notSupported(child(vp, 'resourceFieldRef', 'resource'), res, allowed));
    }
    for (const ref of ['configMapKeyRef', 'secretKeyRef']) {
      if (!has(vf[ref])) continue;
      n++;
      const s = asObj(vf[ref]);
      const rp = child(vp, ref);
      for (const m of nameIsDNSSubdomain(asStr(s.name), false)) out.push(fe.invalid(child(rp, 'name'), asStr(s.name), m));
      const k = asStr(s.key);
      if (!k) out.push(fe.required(child(rp, 'key'), ''));
      else for (const m of isConfigMapKey(k)) out.push(fe.invalid(child(rp, 'key'), k, m));
    }
    if (n === 0) out.push(fe.invalid(vp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (asStr(e.value).length !== 0) out.push(fe.invalid(vp, '', 'may not be specified when `value` is not empty'));
    else if (n > 1) out.push(fe.invalid(vp, '', 'may not have more than one field specified at a time'));
  });
  return out;
}

function validateEnvFrom(envFromIn: unknown, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  asArr(envFromIn).forEach((eIn, i) => {
    const e = asObj(eIn);
    const p = index(path, i);
    if (asStr(e.prefix)) for (const m of isRelaxedEnvVarName(asStr(e.prefix))) out.push(fe.invalid(child(p, 'prefix'), asStr(e.prefix), m));
    let n = 0;
    for (const ref of ['configMapRef', 'secretRef']) {
      if (!has(e[ref])) continue;
      n++;
      const name = asStr(asObj(e[ref]).name);
      if (!name) out.push(fe.required(child(p, ref, 'name'), ''));
      else for (const m of nameIsDNSSubdomain(name, true)) out.push(fe.invalid(child(p, ref, 'name'), name, m));
    }
    if (n === 0) out.push(fe.invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) out.push(fe.invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return out;
}

function validatePorts(portsIn: unknown, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  const names = new Set<string>();
  asArr(portsIn).forEach((pIn, i) => {
    const port = asObj(pIn);
    const p = index(path, i);
    const name = asStr(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) for (const m of msgs) out.push(fe.invalid(child(p, 'name'), name, m));
      else if (names.has(name)) out.push(fe.duplicate(child(p, 'name'), name));
      else names.add(name);
    }
    const cp = asNum(port.containerPort);
    if (cp === 0) out.push(fe.required(child(p, 'containerPort'), ''));
    else for (const m of isValidPortNum(cp)) out.push(fe.invalid(child(p, 'containerPort'), cp, m));
    const hp = asNum(port.hostPort);
    if (hp !== 0) for (const m of isValidPortNum(hp)) out.push(fe.invalid(child(p, 'hostPort'), hp, m));
    const proto = asStr(port.protocol);
    if (!proto) out.push(fe.required(child(p, 'protocol'), ''));
    else if (!['SCTP', 'TCP', 'UDP'].includes(proto)) out.push(fe.notSupported(child(p, 'protocol'), proto, ['SCTP', 'TCP', 'UDP']));
  });
  return out;
}

function validateVolumeMounts(mountsIn: unknown, volumes: Set<string>, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  const mountPoints = new Set<string>();
  asArr(mountsIn).forEach((mIn, i) => {
    const m = asObj(mIn);
    const p = index(path, i);
    const name = asStr(m.name);
    const mp = asStr(m.mountPath);
    if (!name) out.push(fe.required(child(p, 'name'), ''));
    if (!volumes.has(name)) out.push(fe.notFound(child(p, 'name'), name));
    if (!mp) out.push(fe.required(child(p, 'mountPath'), ''));
    if (mountPoints.has(mp)) out.push(fe.invalid(child(p, 'mountPath'), mp, 'must be unique'));
    mountPoints.add(mp);
    if (asStr(m.subPath)) out.push(...validateLocalDescendingPath(asStr(m.subPath), child(path, 'subPath')));
    if (asStr(m.subPathExpr)) {
      if (asStr(m.subPath)) out.push(fe.invalid(child(p, 'subPathExpr'), asStr(m.subPathExpr), 'subPathExpr and subPath are mutually exclusive'));
      out.push(...validateLocalDescendingPath(asStr(m.subPathExpr), child(path, 'subPathExpr')));
    }
    if (has(m.mountPropagation)) {
      const mpv = asStr(m.mountPropagation);
      const allowed = ['Bidirectional', 'HostToContainer', 'None'];
      if (!allowed.includes(mpv)) out.push(fe.notSupported(child(path, 'mountPropagation'), mpv, allowed));
    }
  });
  return out;
}

function validatePullPolicy(v: unknown, path: string): StatusCause[] {
  const p = asStr(v);
  if (p === 'Always' || p === 'IfNotPresent' || p === 'Never') return [];
  if (!p) return [fe.required(path, '')];
  return [fe.notSupported(path, p, ['Always', 'IfNotPresent', 'Never'])];
}

function validateSecurityContext(scIn: unknown, path: string): StatusCause[] {
  if (!has(scIn)) return [];
  const sc = asObj(scIn);
  const out: StatusCause[] = [];
  for (const f of ['runAsUser', 'runAsGroup']) {
    if (has(sc[f]) && (asNum(sc[f]) < 0 || asNum(sc[f]) > 4294967295)) out.push(fe.invalid(child(path, f), asNum(sc[f]), msg.inclusiveRange(0, 4294967295)));
  }
  if (sc.privileged === true && sc.allowPrivilegeEscalation === false) {
    out.push(fe.invalid(path, new GoText('core.SecurityContext{...}'), 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
  }
  const caps = asObj(sc.capabilities);
  if (has(sc.capabilities) && asArr(caps.add).includes('CAP_SYS_ADMIN') && sc.allowPrivilegeEscalation === false) {
    out.push(fe.invalid(path, new GoText('core.SecurityContext{...}'), 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
  }
  return out;
}

function validateContainerCommon(c: Obj, volumes: Set<string>, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  const name = asStr(c.name);
  if (!name) out.push(fe.required(child(path, 'name'), ''));
  else for (const m of isDNS1123Label(name)) out.push(fe.invalid(child(path, 'name'), name, m));
  if (!asStr(c.image)) out.push(fe.required(child(path, 'image'), ''));
  const tmp = asStr(c.terminationMessagePolicy);
  if (!tmp) out.push(fe.required(child(path, 'terminationMessagePolicy'), ''));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') out.push(fe.notSupported(child(path, 'terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']));
  out.push(...validatePorts(c.ports, child(path, 'ports')));
  out.push(...validateEnv(c.env, child(path, 'env')));
  out.push(...validateEnvFrom(c.envFrom, child(path, 'envFrom')));
  out.push(...validateVolumeMounts(c.volumeMounts, volumes, child(path, 'volumeMounts')));
  out.push(...validatePullPolicy(c.imagePullPolicy, child(path, 'imagePullPolicy')));
  out.push(...validateResourceRequirements(c.resources, child(path, 'resources')));
  out.push(...validateSecurityContext(c.securityContext, child(path, 'securityContext')));
  return out;
}

function checkHostPortConflicts(containers: Obj[], path: string): StatusCause[] {
  const out: StatusCause[] = [];
  const seen = new Set<string>();
  containers.forEach((c, ci) => {
    asArr(c.ports).forEach((pIn, pi) => {
      const port = asObj(pIn);
      const hp = asNum(port.hostPort);
      if (hp === 0) return;
      const s = `${asStr(port.protocol)}/${asStr(port.hostIP)}/${hp}`;
      if (seen.has(s)) out.push(fe.duplicate(child(index(child(index(path, ci), 'ports'), pi), 'hostPort'), s));
      else seen.add(s);
    });
  });
  return out;
}

export function validateTolerations(tolIn: unknown, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  asArr(tolIn).forEach((tIn, i) => {
    const t = asObj(tIn);
    const p = index(path, i);
    const k = asStr(t.key);
    const op = asStr(t.operator);
    if (k) out.push(...validateLabelName(k, child(p, 'key')));
    if (!k && op !== 'Exists') out.push(fe.invalid(child(p, 'operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (has(t.tolerationSeconds) && t.effect !== 'NoExecute') out.push(fe.invalid(child(p, 'effect'), asStr(t.effect), "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    if (op === 'Equal' || op === '') {
      const errs = isValidLabelValue(asStr(t.value));
      if (errs.length) out.push(fe.invalid(child(p, 'operator'), asStr(t.value), errs.join(';')));
    } else if (op === 'Exists') {
      if (asStr(t.value)) out.push(fe.invalid(child(p, 'operator'), new GoText('core.Toleration{...}'), "value must be empty when `operator` is 'Exists'"));
    } else out.push(fe.notSupported(child(p, 'operator'), op, ['Equal', 'Exists']));
    const eff = asStr(t.effect);
    if (eff && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(eff)) out.push(fe.notSupported(child(p, 'effect'), eff, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
  });
  return out;
}

/** ValidatePodSpec (+ the pod-only container checks when opts.isPod). */
export function validatePodSpec(specIn: unknown, path: string, opts: PodOptions = {}): StatusCause[] {
  const spec = asObj(specIn);
  const out: StatusCause[] = [];
  if (!has(spec.terminationGracePeriodSeconds)) out.push(fe.required(child(path, 'terminationGracePeriodSeconds'), ''));
  const grace = has(spec.terminationGracePeriodSeconds) ? asNum(spec.terminationGracePeriodSeconds) : undefined;
  const { names: vols, errs } = validateVolumes(spec.volumes, child(path, 'volumes'));
  out.push(...errs);
  const containers = asArr(spec.containers).map(asObj);
  const initContainers = asArr(spec.initContainers).map(asObj);
  const cPath = child(path, 'containers');
  if (containers.length === 0) out.push(fe.required(cPath, ''));
  const allNames = new Set<string>();
  containers.forEach((c, i) => {
    const p = index(cPath, i);
    out.push(...validateContainerCommon(c, vols, p));
    const name = asStr(c.name);
    if (allNames.has(name)) out.push(fe.duplicate(child(p, 'name'), name));
    else allNames.add(name);
    if (has(c.lifecycle)) out.push(...validateLifecycle(c.lifecycle, child(p, 'lifecycle'), grace));
    out.push(...validateProbe(c.livenessProbe, child(p, 'livenessProbe'), 'liveness', grace));
    out.push(...validateProbe(c.readinessProbe, child(p, 'readinessProbe'), 'readiness', grace));
    out.push(...validateProbe(c.startupProbe, child(p, 'startupProbe'), 'startup', grace));
    if (has(c.restartPolicy)) out.push(fe.forbidden(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
  });
  if (containers.length) out.push(...checkHostPortConflicts(containers, cPath));
  const icPath = child(path, 'initContainers');
  initContainers.forEach((c, i) => {
    const p = index(icPath, i);
    out.push(...validateContainerCommon(c, vols, p));
    const always = c.restartPolicy === 'Always';
    if (has(c.restartPolicy) && !always) out.push(fe.notSupported(child(p, 'restartPolicy'), asStr(c.restartPolicy), ['Always']));
    const name = asStr(c.name);
    if (allNames.has(name)) out.push(fe.duplicate(child(p, 'name'), name));
    else if (name) allNames.add(name);
    out.push(...checkHostPortConflicts([c], icPath));
    if (always) {
      if (has(c.lifecycle)) out.push(...validateLifecycle(c.lifecycle, child(p, 'lifecycle'), grace));
      out.push(...validateProbe(c.livenessProbe, child(p, 'livenessProbe'), 'liveness', grace));
      out.push(...validateProbe(c.readinessProbe, child(p, 'readinessProbe'), 'readiness', grace));
      out.push(...validateProbe(c.startupProbe, child(p, 'startupProbe'), 'startup', grace));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (has(c[f])) out.push(fe.forbidden(child(p, f), 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  const rp = asStr(spec.restartPolicy);
  if (!rp) out.push(fe.required(child(path, 'restartPolicy'), ''));
  else if (!['Always', 'OnFailure', 'Never'].includes(rp)) out.push(fe.notSupported(child(path, 'restartPolicy'), rp, ['Always', 'OnFailure', 'Never']));
  const dns = asStr(spec.dnsPolicy);
  const dnsValues = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
  if (!dns) out.push(fe.required(child(path, 'dnsPolicy'), ''));
  else if (!dnsValues.includes(dns)) out.push(fe.notSupported(child(path, 'dnsPolicy'), dns, dnsValues));
  out.push(...validateLabels(spec.nodeSelector, child(path, 'nodeSelector')));
  const psc = asObj(spec.securityContext);
  for (const f of ['fsGroup', 'runAsUser', 'runAsGroup']) {
    if (has(psc[f]) && (asNum(psc[f]) < 0 || asNum(psc[f]) > 4294967295)) out.push(fe.invalid(child(path, 'securityContext', f), asNum(psc[f]), msg.inclusiveRange(0, 4294967295)));
  }
  asArr(spec.imagePullSecrets).forEach((s, i) => {
    const o = asObj(s);
    if (Object.keys(o).some((k) => k !== 'name')) out.push(fe.invalid(index(child(path, 'imagePullSecrets'), i), new GoText(`core.LocalObjectReference{Name:${goQuote(asStr(o.name))}}`), 'only name may be set'));
  });
  if (dns === 'None') {
    const cfg = spec.dnsConfig;
    if (!has(cfg)) out.push(fe.required(child(path, 'dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'));
    else if (asArr(asObj(cfg).nameservers).length === 0) out.push(fe.required(child(path, 'dnsConfig', 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
  }
  if (has(spec.dnsConfig)) {
    const ns = asArr(asObj(spec.dnsConfig).nameservers);
    ns.forEach((ip, i) => { for (const m of isValidIP(asStr(ip))) out.push(fe.invalid(index(child(path, 'dnsConfig', 'nameservers'), i), asStr(ip), m)); });
  }
  const sa = asStr(spec.serviceAccountName);
  if (sa) for (const m of isDNS1123Subdomain(sa)) out.push(fe.invalid(child(path, 'serviceAccountName'), sa, m));
  const node = asStr(spec.nodeName);
  if (node) for (const m of isDNS1123Subdomain(node)) out.push(fe.invalid(child(path, 'nodeName'), node, m));
  if (has(spec.activeDeadlineSeconds)) {
    const v = asNum(spec.activeDeadlineSeconds);
    if (v < 1 || v > 2147483647) out.push(fe.invalid(child(path, 'activeDeadlineSeconds'), v, msg.inclusiveRange(1, 2147483647)));
  }
  for (const f of ['hostname', 'subdomain']) {
    const v = asStr(spec[f]);
    if (v) for (const m of isDNS1123Label(v)) out.push(fe.invalid(child(path, f), v, m));
  }
  out.push(...validateTolerations(spec.tolerations, child(path, 'tolerations')));
  const pc = asStr(spec.priorityClassName);
  if (pc) for (const m of isDNS1123Subdomain(pc)) out.push(fe.invalid(child(path, 'priorityClassName'), pc, m));
  if (has(spec.preemptionPolicy) && !['PreemptLowerPriority', 'Never'].includes(asStr(spec.preemptionPolicy))) {
    out.push(fe.notSupported(child(path, 'preemptionPolicy'), asStr(spec.preemptionPolicy), ['PreemptLowerPriority', 'Never']));
  }
  if (opts.isPod) {
    [...containers.map((c, i) => [c, index(cPath, i)] as const), ...initContainers.map((c, i) => [c, index(icPath, i)] as const)].forEach(([c, p]) => {
      const img = asStr(c.image);
      if (img.length !== img.trim().length) out.push(fe.invalid(child(p, 'image'), img, 'must not have leading or trailing whitespace'));
    });
    if (!asStr(spec.serviceAccountName)) {
      asArr(spec.volumes).forEach((v, vi) => {
        asArr(asObj(asObj(v).projected).sources).forEach((s, si) => {
          if (has(asObj(s).serviceAccountToken)) out.push(fe.forbidden(child(index(child(index(child(path, 'volumes'), vi), 'projected', 'sources'), si), 'serviceAccountToken'), 'must not be specified when serviceAccountName is not set'));
        });
      });
    }
  }
  return out;
}

/** ValidatePodTemplateSpec. */
export function validatePodTemplateSpec(tIn: unknown, path: string): StatusCause[] {
  const t = asObj(tIn);
  const meta = asObj(t.metadata);
  const out: StatusCause[] = [];
  out.push(...validateLabels(meta.labels, child(path, 'labels')));
  out.push(...validateAnnotations(meta.annotations, child(path, 'annotations')));
  out.push(...validatePodSpec(t.spec, child(path, 'spec')));
  if (asArr(asObj(t.spec).ephemeralContainers).length > 0) out.push(fe.forbidden(child(path, 'spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  return out;
}

export const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];
