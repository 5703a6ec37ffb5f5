// Kind-specific validation of the core/v1 kinds other than workloads, and of the networking,
// discovery, coordination, storage, rbac, policy, scheduling and autoscaling kinds.
import type { StatusCause } from '../errors.js';
import { deepEqual } from '../object.js';
import { fe, child, index, key, msg, GoText, goQuote, goStringSlice } from './fielderr.js';
import {
  isDNS1123Label, isDNS1123Subdomain, isConfigMapKey, isValidPortNum, isValidPortName, isQualifiedName, isValidIP, isValidCIDR,
  isValidPathSegmentName, isValidLabelValue, nameIsDNS1035Label, parseIP,
} from './names.js';
import { asObj, asArr, asStr, asNum, has, validateLabels, validateLabelName, validateLabelSelector, type Obj } from './meta.js';
import { validatePodSpec, validatePodTemplateSpec, validateTolerations, validatePortNumOrName, UPDATABLE_POD_SPEC_FIELDS, intOrStringText } from './pod.js';
import { parseQuantity, compareQuantity } from './quantity.js';

const MAX_SECRET_SIZE = 1024 * 1024;
const nonNegative = (v: unknown, path: string): StatusCause[] => (asNum(v) < 0 ? [fe.invalid(path, asNum(v), msg.negative)] : []);

// ---- Pod

export function validatePod(o: Obj, old?: Obj): StatusCause[] {
  const spec = asObj(o.spec);
  const out = validatePodSpec(spec, 'spec', { isPod: true });
  if (!old) {
    if (asArr(spec.ephemeralContainers).length > 0) out.push(fe.forbidden(child('spec', 'ephemeralContainers'), 'cannot be set on create'));
    if (asStr(spec.nodeName) && asArr(spec.schedulingGates).length) out.push(fe.forbidden(child('spec', 'nodeName'), 'cannot be set until all schedulingGates have been cleared'));
    return out;
  }
  const os = asObj(old.spec);
  for (const f of ['containers', 'initContainers']) {
    const n = asArr(spec[f]);
    const p = child('spec', f);
    if (n.length !== asArr(os[f]).length) {
      out.push(fe.forbidden(p, 'pod updates may not add or remove containers'));
      return out;
    }
    n.forEach((c, i) => {
      const img = asStr(asObj(c).image);
      if (!img) out.push(fe.required(child(index(p, i), 'image'), ''));
    });
  }
  if (has(spec.activeDeadlineSeconds)) {
    const v = asNum(spec.activeDeadlineSeconds);
    if (v < 0 || v > 2147483647) return [...out, fe.invalid(child('spec', 'activeDeadlineSeconds'), v, msg.inclusiveRange(0, 2147483647))];
    if (has(os.activeDeadlineSeconds) && asNum(os.activeDeadlineSeconds) < v) return [...out, fe.invalid(child('spec', 'activeDeadlineSeconds'), v, 'must be less than or equal to previous value')];
  } else if (has(os.activeDeadlineSeconds)) {
    out.push(fe.invalid(child('spec', 'activeDeadlineSeconds'), new GoText('null'), 'must not update from a positive integer to nil value'));
  }
  const newTol = asArr(spec.tolerations).map(asObj);
  for (const t of asArr(os.tolerations).map(asObj)) {
    const found = newTol.some((n) => deepEqual({ ...t, tolerationSeconds: n.tolerationSeconds }, n) || deepEqual({ ...t, tolerationSeconds: undefined }, { ...n, tolerationSeconds: undefined }));
    if (!found) {
      out.push(fe.forbidden(child('spec', 'tolerations'), 'existing toleration can not be modified except its tolerationSeconds'));
      break;
    }
  }
  const munged: Obj = JSON.parse(JSON.stringify(spec));
  for (const f of ['containers', 'initContainers']) {
    asArr(munged[f]).forEach((c, i) => { asObj(c).image = asObj(asArr(os[f])[i]).image; });
  }
  munged.activeDeadlineSeconds = os.activeDeadlineSeconds;
  if (!has(munged.activeDeadlineSeconds)) delete munged.activeDeadlineSeconds;
  munged.tolerations = os.tolerations;
  if (!has(munged.tolerations)) delete munged.tolerations;
  munged.schedulingGates = os.schedulingGates;
  if (!has(munged.schedulingGates)) delete munged.schedulingGates;
  if (asNum(os.terminationGracePeriodSeconds) < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = os.terminationGracePeriodSeconds;
  if (!deepEqual(munged, os)) {
    out.push(fe.forbidden('spec', `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${specDiff(os, munged)}`));
  }
  return out;
}

/** A short description of what differs (Kubernetes prints a cmp.Diff here). */
function specDiff(a: Obj, b: Obj, prefix = ''): string {
  const lines: string[] = [];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const k of keys) {
    if (deepEqual(a[k] ?? null, b[k] ?? null)) continue;
    lines.push(`-\t${prefix}${k}: ${JSON.stringify(a[k] ?? null)}`, `+\t${prefix}${k}: ${JSON.stringify(b[k] ?? null)}`);
  }
  return `  core.PodSpec{\n${lines.join('\n')}\n  }\n`;
}

export function validatePodTemplate(o: Obj): StatusCause[] {
  return validatePodTemplateSpec(o.template, 'template');
}

export function validateReplicationController(o: Obj): StatusCause[] {
  const spec = asObj(o.spec);
  const out: StatusCause[] = [];
  out.push(...nonNegative(spec.minReadySeconds, child('spec', 'minReadySeconds')));
  if (Object.keys(asObj(spec.selector)).length === 0) out.push(fe.required(child('spec', 'selector'), ''));
  out.push(...nonNegative(spec.replicas, child('spec', 'replicas')));
  const t = asObj(spec.template);
  if (!has(spec.template)) out.push(fe.required(child('spec', 'template'), ''));
  else {
    const labels = asObj(asObj(t.metadata).labels);
    const sel = asObj(spec.selector);
    if (Object.keys(sel).length && !Object.entries(sel).every(([k, v]) => labels[k] === v)) {
      out.push(fe.invalid(child('spec', 'template', 'metadata', 'labels'), new GoText(goMap(labels)), '`selector` does not match template `labels`'));
    }
    out.push(...validatePodTemplateSpec(t, child('spec', 'template')));
    const rp = asStr(asObj(t.spec).restartPolicy);
    if (rp !== 'Always') out.push(fe.notSupported(child('spec', 'template', 'spec', 'restartPolicy'), rp, ['Always']));
  }
  return out;
}

function goMap(m: Obj): string {
  return `map[string]string{${Object.keys(m).sort().map((k) => `${goQuote(k)}:${goQuote(asStr(m[k]))}`).join(', ')}}`;
}

// ---- Service

function servicePortText(p: Obj): GoText {
  const tp = p.targetPort;
  return new GoText(`core.ServicePort{Name:"", Protocol:${goQuote(asStr(p.protocol))}, AppProtocol:(*string)(nil), Port:${asNum(p.port)}, TargetPort:${intOrStringText(typeof tp === 'string' ? tp : 0).text}, NodePort:0}`);
}

export function validateService(o: Obj, old?: Obj): StatusCause[] {
  const spec = asObj(o.spec);
  const sp = 'spec';
  const out: StatusCause[] = [];
  const type = asStr(spec.type);
  const clusterIPs = asArr(spec.clusterIPs).map(asStr);
  const headless = spec.clusterIP === 'None' || clusterIPs[0] === 'None';
  const ports = asArr(spec.ports).map(asObj);
  if (ports.length === 0 && !headless && type !== 'ExternalName') out.push(fe.required(child(sp, 'ports'), ''));
  if ((type === 'LoadBalancer' || type === 'NodePort') && headless) {
    out.push(fe.invalid(index(child(sp, 'clusterIPs'), 0), 'None', `may not be set to 'None' for ${type} services`));
  }
  if (type === 'ExternalName') {
    if (clusterIPs.length > 0) out.push(fe.forbidden(child(sp, 'clusterIPs'), 'may not be set for ExternalName services'));
    if (asArr(spec.ipFamilies).length > 0) out.push(fe.forbidden(child(sp, 'ipFamilies'), 'may not be set for ExternalName services'));
    if (has(spec.ipFamilyPolicy)) out.push(fe.forbidden(child(sp, 'ipFamilyPolicy'), 'may not be set for ExternalName services'));
    const cname = asStr(spec.externalName).replace(/\.$/, '');
    if (cname) for (const m of isDNS1123Subdomain(cname)) out.push(fe.invalid(child(sp, 'externalName'), cname, m));
    else out.push(fe.required(child(sp, 'externalName'), ''));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pp = index(child(sp, 'ports'), i);
    const name = asStr(p.name);
    if (ports.length > 1 && !name) out.push(fe.required(child(pp, 'name'), ''));
    else if (name) {
      for (const m of isDNS1123Label(name)) out.push(fe.invalid(child(pp, 'name'), name, m));
      if (names.has(name)) out.push(fe.duplicate(child(pp, 'name'), name));
      else names.add(name);
    }
    for (const m of isValidPortNum(asNum(p.port))) out.push(fe.invalid(child(pp, 'port'), asNum(p.port), m));
    const proto = asStr(p.protocol);
    if (!proto) out.push(fe.required(child(pp, 'protocol'), ''));
    else if (!['SCTP', 'TCP', 'UDP'].includes(proto)) out.push(fe.notSupported(child(pp, 'protocol'), proto, ['SCTP', 'TCP', 'UDP']));
    out.push(...validatePortNumOrName(p.targetPort, child(pp, 'targetPort')));
    if (has(p.appProtocol)) for (const m of isQualifiedName(asStr(p.appProtocol))) out.push(fe.invalid(child(pp, 'appProtocol'), asStr(p.appProtocol), m));
  });
  if (has(spec.selector)) out.push(...validateLabels(spec.selector, child(sp, 'selector')));
  const sa = asStr(spec.sessionAffinity);
  if (!sa) out.push(fe.required(child(sp, 'sessionAffinity'), ''));
  else if (sa !== 'ClientIP' && sa !== 'None') out.push(fe.notSupported(child(sp, 'sessionAffinity'), sa, ['ClientIP', 'None']));
  if (sa === 'ClientIP') {
    const t = asObj(asObj(asObj(spec.sessionAffinityConfig).clientIP)).timeoutSeconds;
    if (!has(t)) out.push(fe.required(child(sp, 'sessionAffinityConfig'), 'when session affinity type is ClientIP'));
    else if (asNum(t) <= 0 || asNum(t) > 86400) out.push(fe.invalid(child(sp, 'sessionAffinityConfig', 'clientIP', 'timeoutSeconds'), asNum(t), 'must be greater than 0 and less than 86400'));
  } else if (sa === 'None' && has(spec.sessionAffinityConfig)) {
    out.push(fe.forbidden(child(sp, 'sessionAffinityConfig'), 'must not be set when session affinity is None'));
  }
  if (asStr(spec.clusterIP) && clusterIPs.length && spec.clusterIP !== clusterIPs[0]) {
    out.push(fe.invalid(child(sp, 'clusterIPs'), goStringSlice(clusterIPs), 'element [0] must match clusterIP'));
  }
  clusterIPs.forEach((ip, i) => {
    if (ip !== 'None' && ip !== '' && parseIP(ip) === null) out.push(fe.invalid(index(child(sp, 'clusterIPs'), i), ip, 'must be empty, \'None\', or a valid IP address'));
  });
  asArr(spec.externalIPs).forEach((ip, i) => {
    for (const m of isValidIP(asStr(ip))) out.push(fe.invalid(index(child(sp, 'externalIPs'), i), asStr(ip), m));
  });
  const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
  if (!type) out.push(fe.required(child(sp, 'type'), ''));
  else if (!types.includes(type)) out.push(fe.notSupported(child(sp, 'type'), type, types));
  if (type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (asNum(p.nodePort) !== 0) out.push(fe.forbidden(child(index(child(sp, 'ports'), i), 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (!asNum(p.nodePort)) return;
    const k = `${asStr(p.protocol)}/${asNum(p.nodePort)}`;
    if (nodePorts.has(k)) out.push(fe.duplicate(child(index(child(sp, 'ports'), i), 'nodePort'), asNum(p.nodePort)));
    nodePorts.add(k);
  });
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const k = `${asStr(p.protocol)}/${asNum(p.port)}`;
    if (seen.has(k)) out.push(fe.duplicate(index(child(sp, 'ports'), i), new GoText(`core.ServicePort{Name:"", Protocol:${goQuote(asStr(p.protocol))}, AppProtocol:(*string)(nil), Port:${asNum(p.port)}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`)));
    seen.add(k);
  });
  if (asArr(spec.loadBalancerSourceRanges).length && type !== 'LoadBalancer') out.push(fe.forbidden(child(sp, 'LoadBalancerSourceRanges'), "may only be used when `type` is 'LoadBalancer'"));
  asArr(spec.loadBalancerSourceRanges).forEach((r, i) => {
    for (const m of isValidCIDR(asStr(r).trim())) out.push(fe.invalid(index(child(sp, 'LoadBalancerSourceRanges'), i), asStr(r).trim(), m));
  });
  if (has(spec.allocateLoadBalancerNodePorts) && type !== 'LoadBalancer') out.push(fe.forbidden(child(sp, 'allocateLoadBalancerNodePorts'), "may only be used when `type` is 'LoadBalancer'"));
  if (type === 'LoadBalancer' && !has(spec.allocateLoadBalancerNodePorts)) out.push(fe.required('allocateLoadBalancerNodePorts', ''));
  const externallyAccessible = type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && asArr(spec.externalIPs).length > 0);
  const etp = asStr(spec.externalTrafficPolicy);
  if (!externallyAccessible) {
    if (etp) out.push(fe.invalid(child(sp, 'externalTrafficPolicy'), etp, 'may only be set for externally-accessible services'));
  } else if (!etp) out.push(fe.required(child(sp, 'externalTrafficPolicy'), ''));
  else if (etp !== 'Cluster' && etp !== 'Local') out.push(fe.notSupported(child(sp, 'externalTrafficPolicy'), etp, ['Cluster', 'Local']));
  if (!has(spec.internalTrafficPolicy)) {
    if (['NodePort', 'LoadBalancer', 'ClusterIP'].includes(type)) out.push(fe.required(child(sp, 'internalTrafficPolicy'), ''));
  } else if (!['Cluster', 'Local'].includes(asStr(spec.internalTrafficPolicy))) {
    out.push(fe.notSupported(child(sp, 'internalTrafficPolicy'), asStr(spec.internalTrafficPolicy), ['Cluster', 'Local']));
  }
  if (has(spec.ipFamilyPolicy) && !['SingleStack', 'PreferDualStack', 'RequireDualStack'].includes(asStr(spec.ipFamilyPolicy))) {
    out.push(fe.notSupported(child(sp, 'ipFamilyPolicy'), asStr(spec.ipFamilyPolicy), ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  }
  asArr(spec.ipFamilies).forEach((f, i) => {
    if (!['IPv4', 'IPv6'].includes(asStr(f))) out.push(fe.notSupported(index(child(sp, 'ipFamilies'), i), asStr(f), ['IPv4', 'IPv6']));
  });
  if (old) {
    const os = asObj(old.spec);
    const oldIPs = asArr(os.clusterIPs).map(asStr);
    const oldHeadless = os.clusterIP === 'None' || oldIPs[0] === 'None';
    if (type !== 'ExternalName' && os.type !== 'ExternalName' && !(headless && oldHeadless)) {
      if (oldIPs.length === clusterIPs.length) {
        oldIPs.forEach((ip, i) => {
          if (ip !== clusterIPs[i]) out.push(fe.invalid(index(child('spec', 'clusterIPs'), i), goStringSlice(clusterIPs), 'may not change once set'));
        });
      } else if (oldIPs.length > clusterIPs.length) {
        if (clusterIPs.length === 0) out.push(fe.invalid(index(child('spec', 'clusterIPs'), 0), goStringSlice(clusterIPs), 'primary clusterIP can not be unset'));
        else if (clusterIPs[0] !== oldIPs[0]) out.push(fe.invalid(index(child('spec', 'clusterIPs'), 0), goStringSlice(clusterIPs), 'may not change once set'));
      } else if (oldIPs.length > 0 && clusterIPs[0] !== oldIPs[0]) {
        out.push(fe.invalid(index(child('spec', 'clusterIPs'), 0), goStringSlice(clusterIPs), 'may not change once set'));
      }
    }
  }
  return out;
}

// ---- Endpoints, ConfigMap, Secret, Namespace, Node, Event, PV, PVC

export function validateEndpoints(o: Obj): StatusCause[] {
  const out: StatusCause[] = [];
  asArr(o.subsets).forEach((ssIn, i) => {
    const ss = asObj(ssIn);
    const p = index('subsets', i);
    if (asArr(ss.addresses).length === 0 && asArr(ss.notReadyAddresses).length === 0) out.push(fe.required(p, 'must specify `addresses` or `notReadyAddresses`'));
    for (const f of ['addresses', 'notReadyAddresses']) {
      asArr(ss[f]).forEach((aIn, j) => {
        const a = asObj(aIn);
        const ap = index(child(p, f), j);
        for (const m of isValidIP(asStr(a.ip))) out.push(fe.invalid(child(ap, 'ip'), asStr(a.ip), m));
        if (asStr(a.hostname)) for (const m of isDNS1123Label(asStr(a.hostname))) out.push(fe.invalid(child(ap, 'hostname'), asStr(a.hostname), m));
        if (asStr(a.nodeName)) for (const m of isDNS1123Subdomain(asStr(a.nodeName))) out.push(fe.invalid(child(ap, 'nodeName'), asStr(a.nodeName), m));
      });
    }
    const ports = asArr(ss.ports).map(asObj);
    ports.forEach((port, j) => {
      const pp = index(child(p, 'ports'), j);
      const name = asStr(port.name);
      if (ports.length > 1 && !name) out.push(fe.required(child(pp, 'name'), ''));
      else if (name) for (const m of isDNS1123Label(name)) out.push(fe.invalid(child(pp, 'name'), name, m));
      for (const m of isValidPortNum(asNum(port.port))) out.push(fe.invalid(child(pp, 'port'), asNum(port.port), m));
      const proto = asStr(port.protocol);
      if (!proto) out.push(fe.required(child(pp, 'protocol'), ''));
      else if (!['SCTP', 'TCP', 'UDP'].includes(proto)) out.push(fe.notSupported(child(pp, 'protocol'), proto, ['SCTP', 'TCP', 'UDP']));
    });
  });
  return out;
}

export function validateConfigMap(o: Obj, old?: Obj): StatusCause[] {
  const out: StatusCause[] = [];
  if (old?.immutable === true) {
    if (o.immutable !== true) out.push(fe.forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!deepEqual(o.data ?? null, old.data ?? null)) out.push(fe.forbidden('data', 'field is immutable when `immutable` is set'));
    if (!deepEqual(o.binaryData ?? null, old.binaryData ?? null)) out.push(fe.forbidden('binaryData', 'field is immutable when `immutable` is set'));
  }
  let total = 0;
  const binary = asObj(o.binaryData);
  for (const [k, v] of Object.entries(asObj(o.data))) {
    for (const m of isConfigMapKey(k)) out.push(fe.invalid(key('data', k), k, m));
    if (k in binary) out.push(fe.invalid(key('data', k), k, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(asStr(v));
  }
  for (const [k, v] of Object.entries(binary)) {
    for (const m of isConfigMapKey(k)) out.push(fe.invalid(key('binaryData', k), k, m));
    total += Buffer.from(asStr(v), 'base64').length;
  }
  if (total > MAX_SECRET_SIZE) out.push(fe.tooLong('', MAX_SECRET_SIZE));
  return out;
}

export function validateSecret(o: Obj, old?: Obj): StatusCause[] {
  const out: StatusCause[] = [];
  if (old) {
    if ((o.type ?? '') !== (old.type ?? '')) out.push(fe.invalid('type', asStr(o.type), msg.immutable));
    if (old.immutable === true) {
      if (o.immutable !== true) out.push(fe.forbidden('immutable', 'field is immutable when `immutable` is set'));
      if (!deepEqual(o.data ?? null, old.data ?? null)) out.push(fe.forbidden('data', 'field is immutable when `immutable` is set'));
    }
  }
  const data = asObj(o.data);
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) out.push(fe.invalid(key('data', k), k, m));
    total += Buffer.from(asStr(v), 'base64').length;
  }
  if (total > MAX_SECRET_SIZE) out.push(fe.tooLong('data', MAX_SECRET_SIZE));
  const decoded = (k: string) => Buffer.from(asStr(data[k]), 'base64').toString('utf8');
  const jsonOk = (k: string) => { try { const v = JSON.parse(decoded(k)); return v !== null && typeof v === 'object' && !Array.isArray(v); } catch { return false; } };
  switch (asStr(o.type)) {
    case 'kubernetes.io/service-account-token':
      if (!asStr(asObj(asObj(o.metadata).annotations)['kubernetes.io/service-account.name'])) out.push(fe.required(key(child('metadata', 'annotations'), 'kubernetes.io/service-account.name'), ''));
      break;
    case 'kubernetes.io/dockercfg':
      if (!('.dockercfg' in data)) out.push(fe.required(key('data', '.dockercfg'), ''));
      else if (!jsonOk('.dockercfg')) out.push(fe.invalid(key('data', '.dockercfg'), '<secret contents redacted>', 'invalid character in JSON'));
      break;
    case 'kubernetes.io/dockerconfigjson':
      if (!('.dockerconfigjson' in data)) out.push(fe.required(key('data', '.dockerconfigjson'), ''));
      else if (!jsonOk('.dockerconfigjson')) out.push(fe.invalid(key('data', '.dockerconfigjson'), '<secret contents redacted>', 'invalid character in JSON'));
      break;
    case 'kubernetes.io/basic-auth':
      if (!('username' in data) && !('password' in data)) {
        out.push(fe.required(key('data', 'username'), ''), fe.required(key('data', 'password'), ''));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (!asStr(data['ssh-privatekey'])) out.push(fe.required(key('data', 'ssh-privatekey'), ''));
      break;
    case 'kubernetes.io/tls':
      if (!('tls.crt' in data)) out.push(fe.required(key('data', 'tls.crt'), ''));
      if (!('tls.key' in data)) out.push(fe.required(key('data', 'tls.key'), ''));
      break;
  }
  return out;
}

function validateFinalizerList(list: unknown, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  for (const f of asArr(list).map(asStr)) {
    for (const m of isQualifiedName(f)) out.push(fe.invalid(path, f, m));
    if (!f.includes('/') && !['kubernetes', 'orphan', 'foregroundDeletion'].includes(f)) out.push(fe.invalid(path, f, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return out;
}

export function validateNamespace(o: Obj): StatusCause[] {
  return validateFinalizerList(asObj(o.spec).finalizers, child('spec', 'finalizers'));
}

export function validateNode(o: Obj, old?: Obj): StatusCause[] {
  const out: StatusCause[] = [];
  const spec = asObj(o.spec);
  const uniq = new Set<string>();
  asArr(spec.taints).forEach((tIn, i) => {
    const t = asObj(tIn);
    const p = index(child('metadata', 'taints'), i);
    out.push(...validateLabelName(asStr(t.key), child(p, 'key')));
    const ve = isValidLabelValue(asStr(t.value));
    if (ve.length) out.push(fe.invalid(child(p, 'value'), asStr(t.value), ve.join(';')));
    const eff = asStr(t.effect);
    if (!eff) out.push(fe.required(child(p, 'effect'), ''));
    else if (!['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(eff)) out.push(fe.notSupported(child(p, 'effect'), eff, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    const k = `${eff}/${asStr(t.key)}`;
    if (uniq.has(k)) out.push({ reason: 'FieldValueDuplicate', field: p, message: `Duplicate value: core.Taint{Key:${goQuote(asStr(t.key))}, Value:${goQuote(asStr(t.value))}, Effect:${goQuote(eff)}, TimeAdded:<nil>}: taints must be unique by key and effect pair` });
    uniq.add(k);
  });
  asArr(spec.podCIDRs).forEach((c, i) => {
    for (const m of isValidCIDR(asStr(c))) out.push(fe.invalid(index(child('spec', 'podCIDRs'), i), asStr(c), m));
  });
  if (old) {
    const os = asObj(old.spec);
    const oldCIDRs = asArr(os.podCIDRs);
    if (oldCIDRs.length > 0 && !deepEqual(oldCIDRs, asArr(spec.podCIDRs))) out.push(fe.forbidden(child('spec', 'podCIDRs'), 'node updates may not change podCIDR except from "" to valid'));
    if (asStr(os.providerID) && os.providerID !== spec.providerID) out.push(fe.forbidden(child('spec', 'providerID'), 'node updates may not change providerID except from "" to valid'));
  }
  return out;
}

export function validateEvent(o: Obj): StatusCause[] {
  const out: StatusCause[] = [];
  const ns = asStr(asObj(o.metadata).namespace);
  const inv = asObj(o.involvedObject);
  const invNs = asStr(inv.namespace);
  if (!has(o.eventTime)) {
    if (!invNs) {
      if (ns !== '' && ns !== 'default') out.push(fe.invalid(child('involvedObject', 'namespace'), invNs, 'does not match event.namespace'));
    } else if (ns !== invNs) out.push(fe.invalid(child('involvedObject', 'namespace'), invNs, 'does not match event.namespace'));
  } else {
    if (!invNs && ns !== 'default' && ns !== 'kube-system') out.push(fe.invalid(child('involvedObject', 'namespace'), invNs, 'does not match event.namespace'));
    const rc = asStr(o.reportingComponent);
    if (!rc) out.push(fe.required('reportingComponent', ''));
    for (const m of isQualifiedName(rc)) out.push(fe.invalid('reportingComponent', rc, m));
    const ri = asStr(o.reportingInstance);
    if (!ri) out.push(fe.required('reportingInstance', ''));
    if (ri.length > 128) out.push(fe.invalid('reportingInstance', '', 'can have at most 128 characters'));
    if (!asStr(o.action)) out.push(fe.required('action', ''));
    if (asStr(o.action).length > 128) out.push(fe.invalid('action', '', 'can have at most 128 characters'));
    if (!asStr(o.reason)) out.push(fe.required('reason', ''));
    if (asStr(o.reason).length > 128) out.push(fe.invalid('reason', '', 'can have at most 128 characters'));
    if (asStr(o.message).length > 1024) out.push(fe.invalid('message', '', 'can have at most 1024 characters'));
  }
  for (const m of isDNS1123Subdomain(ns)) out.push(fe.invalid('namespace', ns, m));
  return out;
}

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

function validateAccessModes(modes: unknown, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  let rwop = false;
  let other = false;
  for (const m of asArr(modes).map(asStr)) {
    if (!ACCESS_MODES.includes(m)) out.push(fe.notSupported(path, m, ACCESS_MODES));
    if (m === 'ReadWriteOncePod') rwop = true;
    else if (ACCESS_MODES.includes(m)) other = true;
  }
  if (rwop && other) out.push(fe.forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return out;
}

export function validatePersistentVolume(o: Obj, old?: Obj): StatusCause[] {
  const spec = asObj(o.spec);
  const out: StatusCause[] = [];
  if (asArr(spec.accessModes).length === 0) out.push(fe.required(child('spec', 'accessModes'), ''));
  out.push(...validateAccessModes(spec.accessModes, child('spec', 'accessModes')));
  const cap = asObj(spec.capacity);
  if (Object.keys(cap).length === 0) out.push(fe.required(child('spec', 'capacity'), ''));
  if (!('storage' in cap) || Object.keys(cap).length > 1) out.push(fe.notSupported(child('spec', 'capacity'), new GoText('core.ResourceList{...}'), ['storage']));
  for (const [r, v] of Object.entries(cap)) {
    try {
      const q = parseQuantity(asStr(v) || String(v));
      if (q.negative || q.mantissa === 0n) out.push(fe.invalid(key(child('spec', 'capacity'), r), asStr(v), 'must be greater than zero'));
    } catch { /* decode reports it */ }
  }
  const rp = asStr(spec.persistentVolumeReclaimPolicy);
  if (rp && !['Delete', 'Recycle', 'Retain'].includes(rp)) out.push(fe.notSupported(child('spec', 'persistentVolumeReclaimPolicy'), rp, ['Delete', 'Recycle', 'Retain']));
  const sources = ['gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'quobyte', 'cephfs', 'iscsi', 'cinder', 'fc', 'flexVolume', 'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'scaleIO', 'local', 'storageos', 'csi'];
  let n = 0;
  for (const s of sources) {
    if (!has(spec[s])) continue;
    if (n > 0) out.push(fe.forbidden(child('spec', s), 'may not specify more than 1 volume type'));
    else {
      n++;
      const src = asObj(spec[s]);
      if (s === 'hostPath' && !asStr(src.path)) out.push(fe.required(child('spec', 'hostPath', 'path'), ''));
      if (s === 'local') {
        if (!asStr(src.path)) out.push(fe.required(child('spec', 'local', 'path'), ''));
        if (!has(spec.nodeAffinity)) out.push(fe.required(child('spec', 'nodeAffinity'), 'Local volume requires node affinity'));
      }
      if (s === 'csi' && !asStr(src.driver)) out.push(fe.required(child('spec', 'csi', 'driver'), ''));
      if (s === 'csi' && !asStr(src.volumeHandle)) out.push(fe.required(child('spec', 'csi', 'volumeHandle'), ''));
      if (s === 'nfs') {
        if (!asStr(src.server)) out.push(fe.required(child('spec', 'nfs', 'server'), ''));
        if (!asStr(src.path)) out.push(fe.required(child('spec', 'nfs', 'path'), ''));
      }
    }
  }
  if (n === 0) out.push(fe.required('spec', 'must specify a volume type'));
  if (has(spec.volumeMode) && !['Block', 'Filesystem'].includes(asStr(spec.volumeMode))) out.push(fe.notSupported(child('spec', 'volumeMode'), asStr(spec.volumeMode), ['Block', 'Filesystem']));
  if (asStr(spec.storageClassName)) for (const m of isDNS1123Subdomain(asStr(spec.storageClassName))) out.push(fe.invalid(child('spec', 'storageClassName'), asStr(spec.storageClassName), m));
  if (old) {
    const os = asObj(old.spec);
    const src = (s: Obj) => Object.fromEntries(sources.filter((k) => has(s[k])).map((k) => [k, s[k]]));
    if (!deepEqual(src(spec), src(os))) out.push(fe.forbidden(child('spec', 'persistentvolumesource'), 'spec.persistentvolumesource is immutable after creation'));
    if ((spec.volumeMode ?? null) !== (os.volumeMode ?? null)) out.push(fe.invalid('volumeMode', asStr(spec.volumeMode), msg.immutable));
  }
  return out;
}

export function validatePVCSpec(specIn: unknown, path: string): StatusCause[] {
  const spec = asObj(specIn);
  const out: StatusCause[] = [];
  if (asArr(spec.accessModes).length === 0) out.push(fe.required(child(path, 'accessModes'), 'at least 1 access mode is required'));
  if (has(spec.selector)) out.push(...validateLabelSelector(spec.selector, child(path, 'selector')));
  out.push(...validateAccessModes(spec.accessModes, child(path, 'accessModes')));
  const req = asObj(asObj(spec.resources).requests);
  const sp = key(child(path, 'resources'), 'storage');
  if (!('storage' in req)) out.push(fe.required(sp, ''));
  else {
    try {
      const q = parseQuantity(typeof req.storage === 'number' ? String(req.storage) : asStr(req.storage));
      if (q.negative || q.mantissa === 0n) out.push(fe.invalid(sp, asStr(req.storage) || String(req.storage), 'must be greater than zero'));
    } catch { /* decode reports it */ }
  }
  if (asStr(spec.storageClassName)) for (const m of isDNS1123Subdomain(asStr(spec.storageClassName))) out.push(fe.invalid(child(path, 'storageClassName'), asStr(spec.storageClassName), m));
  if (has(spec.volumeMode) && !['Block', 'Filesystem'].includes(asStr(spec.volumeMode))) out.push(fe.notSupported(child(path, 'volumeMode'), asStr(spec.volumeMode), ['Block', 'Filesystem']));
  return out;
}

export function validatePersistentVolumeClaim(o: Obj, old?: Obj): StatusCause[] {
  const spec = asObj(o.spec);
  const out = validatePVCSpec(spec, 'spec');
  if (old) {
    const os = asObj(old.spec);
    const a = JSON.parse(JSON.stringify(spec)) as Obj;
    const b = JSON.parse(JSON.stringify(os)) as Obj;
    if (!asStr(os.volumeName)) b.volumeName = a.volumeName;
    const bound = asObj(o.status).phase === 'Bound';
    if (bound) {
      const ar = asObj(asObj(a.resources).requests);
      if ('storage' in ar) ar.storage = asObj(asObj(b.resources).requests).storage;
      if (has(a.volumeAttributesClassName)) a.volumeAttributesClassName = b.volumeAttributesClassName;
    }
    if (!has(b.volumeName)) delete b.volumeName;
    if (!has(a.volumeName)) delete a.volumeName;
    if (!deepEqual(a, b)) out.push(fe.forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
    try {
      const n = parseQuantity(asStr(asObj(asObj(spec.resources).requests).storage));
      const p = parseQuantity(asStr(asObj(asObj(os.resources).requests).storage));
      if (compareQuantity(n, p) < 0) out.push(fe.forbidden(child('spec', 'resources', 'requests', 'storage'), 'field can not be less than previous value'));
    } catch { /* ignore */ }
    if ((spec.volumeMode ?? null) !== (os.volumeMode ?? null)) out.push(fe.invalid('volumeMode', asStr(spec.volumeMode), msg.immutable));
  }
  return out;
}

// ---- networking

const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];

function validateIngressBackend(bIn: unknown, path: string): StatusCause[] {
  const b = asObj(bIn);
  const out: StatusCause[] = [];
  const res = has(b.resource);
  const svc = has(b.service);
  if (res && svc) return [fe.invalid(path, '', 'cannot set both resource and service backends')];
  if (res) {
    const r = asObj(b.resource);
    if (!asStr(r.kind)) out.push(fe.required(child(path, 'resource', 'kind'), ''));
    if (!asStr(r.name)) out.push(fe.required(child(path, 'resource', 'name'), ''));
  } else if (svc) {
    const s = asObj(b.service);
    const name = asStr(s.name);
    if (!name) out.push(fe.required(child(path, 'service', 'name'), ''));
    else for (const m of nameIsDNS1035Label(name, false)) out.push(fe.invalid(child(path, 'service', 'name'), name, m));
    const port = asObj(s.port);
    const pn = asStr(port.name);
    const num = asNum(port.number);
    if (pn && num) out.push(fe.invalid(path, '', 'cannot set both port name & port number'));
    else if (pn) for (const m of isValidPortName(pn)) out.push(fe.invalid(child(path, 'service', 'port', 'name'), pn, m));
    else if (num) for (const m of isValidPortNum(num)) out.push(fe.invalid(child(path, 'service', 'port', 'number'), num, m));
    else out.push(fe.required(path, 'port name or number is required'));
  } else out.push(fe.invalid(path, '', 'resource or service backend is required'));
  return out;
}

export function validateIngress(o: Obj): StatusCause[] {
  const spec = asObj(o.spec);
  const out: StatusCause[] = [];
  const rules = asArr(spec.rules).map(asObj);
  if (rules.length === 0 && !has(spec.defaultBackend)) out.push(fe.invalid('spec', new GoText('[]networking.IngressRule(nil)'), 'either `defaultBackend` or `rules` must be specified'));
  if (has(spec.defaultBackend)) out.push(...validateIngressBackend(spec.defaultBackend, child('spec', 'defaultBackend')));
  rules.forEach((r, i) => {
    const rp = index(child('spec', 'rules'), i);
    const host = asStr(r.host);
    if (host) {
      if (parseIP(host) !== null) out.push(fe.invalid(child(rp, 'host'), host, 'must be a DNS name, not an IP address'));
      if (host.includes('*')) {
        const ok = /^\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(host);
        if (!ok) out.push(fe.invalid(child(rp, 'host'), host, "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
      } else for (const m of isDNS1123Subdomain(host)) out.push(fe.invalid(child(rp, 'host'), host, m));
    }
    if (!has(r.http)) return;
    const paths = asArr(asObj(r.http).paths).map(asObj);
    const hp = child(rp, 'http');
    if (paths.length === 0) out.push(fe.required(child(hp, 'paths'), ''));
    paths.forEach((p, j) => {
      const pp = index(child(hp, 'paths'), j);
      if (!has(p.pathType)) {
        out.push(fe.required(child(pp, 'pathType'), 'pathType must be specified'));
        return;
      }
      const pt = asStr(p.pathType);
      const path = asStr(p.path);
      if (pt === 'Exact' || pt === 'Prefix') {
        if (!path.startsWith('/')) out.push(fe.invalid(child(pp, 'path'), path, 'must be an absolute path'));
        if (path.length) {
          for (const s of INVALID_PATH_SEQUENCES) if (path.includes(s)) out.push(fe.invalid(child(pp, 'path'), path, `must not contain '${s}'`));
          for (const s of INVALID_PATH_SUFFIXES) if (path.endsWith(s)) out.push(fe.invalid(child(pp, 'path'), path, `cannot end with '${s}'`));
        }
      } else if (pt === 'ImplementationSpecific') {
        if (path.length && !path.startsWith('/')) out.push(fe.invalid(child(pp, 'path'), path, 'must be an absolute path'));
      } else out.push(fe.notSupported(child(pp, 'pathType'), pt, ['Exact', 'ImplementationSpecific', 'Prefix']));
      out.push(...validateIngressBackend(p.backend, child(pp, 'backend')));
    });
  });
  if (has(spec.ingressClassName)) for (const m of isDNS1123Subdomain(asStr(spec.ingressClassName))) out.push(fe.invalid(child('spec', 'ingressClassName'), asStr(spec.ingressClassName), m));
  return out;
}

export function validateIngressClass(o: Obj, old?: Obj): StatusCause[] {
  const spec = asObj(o.spec);
  const out: StatusCause[] = [];
  const c = asStr(spec.controller);
  const cp = child('spec', 'controller');
  if (c.length > 250) out.push(fe.tooLong(cp, 250));
  if (!c) out.push(fe.required(cp, ''));
  else {
    const seg = c.split('/');
    if (seg.length < 2 || !seg[0] || !seg.slice(1).join('/')) out.push(fe.invalid(cp, c, 'must be a domain-prefixed path (such as "acme.io/foo")'));
    else for (const m of isDNS1123Subdomain(seg[0])) out.push(fe.invalid(cp, seg[0], m));
  }
  if (old && asStr(asObj(old.spec).controller) !== c) out.push(fe.invalid(cp, c, msg.immutable));
  return out;
}

function validateNetworkPolicyPorts(ports: unknown, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  asArr(ports).forEach((pIn, i) => {
    const p = asObj(pIn);
    const pp = index(path, i);
    if (has(p.protocol) && !['TCP', 'UDP', 'SCTP'].includes(asStr(p.protocol))) out.push(fe.notSupported(child(pp, 'protocol'), asStr(p.protocol), ['TCP', 'UDP', 'SCTP']));
    if (has(p.port)) {
      if (typeof p.port === 'number') {
        for (const m of isValidPortNum(p.port)) out.push(fe.invalid(child(pp, 'port'), p.port, m));
        if (has(p.endPort)) {
          if (asNum(p.endPort) < p.port) out.push(fe.invalid(child(pp, 'endPort'), asNum(p.endPort), 'must be greater than or equal to `port`'));
          for (const m of isValidPortNum(asNum(p.endPort))) out.push(fe.invalid(child(pp, 'endPort'), asNum(p.endPort), m));
        }
      } else {
        if (has(p.endPort)) out.push(fe.invalid(child(pp, 'endPort'), asNum(p.endPort), 'may not be specified when `port` is non-numeric'));
        for (const m of isValidPortName(asStr(p.port))) out.push(fe.invalid(child(pp, 'port'), asStr(p.port), m));
      }
    } else if (has(p.endPort)) out.push(fe.invalid(child(pp, 'endPort'), asNum(p.endPort), 'may not be specified when `port` is not specified'));
  });
  return out;
}

function validateNetworkPolicyPeers(peers: unknown, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  asArr(peers).forEach((peerIn, i) => {
    const peer = asObj(peerIn);
    const pp = index(path, i);
    let n = 0;
    if (has(peer.podSelector)) { n++; out.push(...validateLabelSelector(peer.podSelector, child(pp, 'podSelector'))); }
    if (has(peer.namespaceSelector)) { n++; out.push(...validateLabelSelector(peer.namespaceSelector, child(pp, 'namespaceSelector'))); }
    if (has(peer.ipBlock)) {
      n++;
      const ib = asObj(peer.ipBlock);
      const cidr = asStr(ib.cidr);
      if (!cidr) out.push(fe.required(child(pp, 'ipBlock', 'cidr'), ''));
      else for (const m of isValidCIDR(cidr)) out.push(fe.invalid(child(pp, 'ipBlock', 'cidr'), cidr, m));
      asArr(ib.except).forEach((e, j) => { for (const m of isValidCIDR(asStr(e))) out.push(fe.invalid(index(child(pp, 'ipBlock', 'except'), j), asStr(e), m)); });
    }
    if (n === 0) out.push(fe.required(pp, 'must specify a peer'));
    else if (n > 1 && has(peer.ipBlock)) out.push(fe.forbidden(pp, 'may not specify both ipBlock and another peer'));
  });
  return out;
}

export function validateNetworkPolicy(o: Obj): StatusCause[] {
  const spec = asObj(o.spec);
  const out = validateLabelSelector(spec.podSelector, child('spec', 'podSelector'));
  asArr(spec.ingress).forEach((r, i) => {
    const rp = index(child('spec', 'ingress'), i);
    out.push(...validateNetworkPolicyPorts(asObj(r).ports, child(rp, 'ports')), ...validateNetworkPolicyPeers(asObj(r).from, child(rp, 'from')));
  });
  asArr(spec.egress).forEach((r, i) => {
    const rp = index(child('spec', 'egress'), i);
    out.push(...validateNetworkPolicyPorts(asObj(r).ports, child(rp, 'ports')), ...validateNetworkPolicyPeers(asObj(r).to, child(rp, 'to')));
  });
  const types = asArr(spec.policyTypes).map(asStr);
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') out.push(fe.notSupported(index(child('spec', 'policyTypes'), i), t, ['Ingress', 'Egress']));
  });
  if (types.length > 2) out.push(fe.invalid(child('spec', 'policyTypes'), goStringSlice(types), 'may not specify more than two policyTypes'));
  return out;
}

export function validateEndpointSlice(o: Obj, old?: Obj): StatusCause[] {
  const out: StatusCause[] = [];
  const at = asStr(o.addressType);
  const types = ['FQDN', 'IPv4', 'IPv6'];
  if (!at) out.push(fe.required('addressType', ''));
  else if (!types.includes(at)) out.push(fe.notSupported('addressType', at, types));
  asArr(o.endpoints).forEach((eIn, i) => {
    const e = asObj(eIn);
    const p = index('endpoints', i);
    const addrs = asArr(e.addresses).map(asStr);
    if (addrs.length === 0) out.push(fe.required(child(p, 'addresses'), 'must contain at least 1 address'));
    else if (addrs.length > 100) out.push(fe.tooMany(child(p, 'addresses'), addrs.length, 100));
    addrs.forEach((a, j) => {
      const ap = index(child(p, 'addresses'), j);
      if (at === 'IPv4' && (parseIP(a) === null || a.includes(':'))) out.push(fe.invalid(ap, a, 'must be a valid IPv4 address'));
      if (at === 'IPv6' && (parseIP(a) === null || !a.includes(':'))) out.push(fe.invalid(ap, a, 'must be a valid IPv6 address'));
      if (at === 'FQDN') for (const m of isDNS1123Subdomain(a)) out.push(fe.invalid(ap, a, m));
    });
    if (has(e.hostname)) for (const m of isDNS1123Label(asStr(e.hostname))) out.push(fe.invalid(child(p, 'hostname'), asStr(e.hostname), m));
  });
  const names = new Set<string>();
  asArr(o.ports).forEach((pIn, i) => {
    const port = asObj(pIn);
    const pp = index('ports', i);
    const name = asStr(port.name);
    if (name) for (const m of isDNS1123Label(name)) out.push(fe.invalid(child(pp, 'name'), name, m));
    if (names.has(name)) out.push(fe.duplicate(child(pp, 'name'), name));
    names.add(name);
    if (has(port.port)) for (const m of isValidPortNum(asNum(port.port))) out.push(fe.invalid(child(pp, 'port'), asNum(port.port), m));
    const proto = asStr(port.protocol);
    if (!proto) out.push(fe.required(child(pp, 'protocol'), ''));
    else if (!['SCTP', 'TCP', 'UDP'].includes(proto)) out.push(fe.notSupported(child(pp, 'protocol'), proto, ['SCTP', 'TCP', 'UDP']));
  });
  if (old && old.addressType !== o.addressType) out.push(fe.invalid('addressType', at, msg.immutable));
  return out;
}

// ---- coordination, storage, scheduling, policy, autoscaling, rbac

export function validateLease(o: Obj): StatusCause[] {
  const spec = asObj(o.spec);
  const out: StatusCause[] = [];
  if (has(spec.leaseDurationSeconds) && asNum(spec.leaseDurationSeconds) <= 0) out.push(fe.invalid(child('spec', 'leaseDurationSeconds'), asNum(spec.leaseDurationSeconds), 'must be greater than 0'));
  if (has(spec.leaseTransitions) && asNum(spec.leaseTransitions) < 0) out.push(fe.invalid(child('spec', 'leaseTransitions'), asNum(spec.leaseTransitions), 'must be greater than or equal to 0'));
  if (has(spec.preferredHolder) && !has(spec.strategy)) out.push(fe.forbidden(child('spec', 'preferredHolder'), 'may only be specified if `strategy` is defined'));
  return out;
}

export function validateStorageClass(o: Obj, old?: Obj): StatusCause[] {
  const out: StatusCause[] = [];
  const prov = asStr(o.provisioner);
  if (!prov) out.push(fe.required('provisioner', ''));
  else {
    for (const m of isQualifiedName(prov.toLowerCase())) out.push(fe.invalid('provisioner', prov, m));
  }
  if (has(o.reclaimPolicy) && !['Delete', 'Retain'].includes(asStr(o.reclaimPolicy))) out.push(fe.notSupported('reclaimPolicy', asStr(o.reclaimPolicy), ['Delete', 'Retain']));
  if (has(o.volumeBindingMode) && !['Immediate', 'WaitForFirstConsumer'].includes(asStr(o.volumeBindingMode))) {
    out.push(fe.notSupported('volumeBindingMode', asStr(o.volumeBindingMode), ['Immediate', 'WaitForFirstConsumer']));
  }
  let size = 0;
  for (const [k, v] of Object.entries(asObj(o.parameters))) {
    if (!k) out.push(fe.invalid('parameters', k, 'field can not be empty.'));
    size += k.length + asStr(v).length;
  }
  if (size > 256 * 1024) out.push(fe.tooLong('parameters', 256 * 1024));
  if (old) {
    if (!deepEqual(o.parameters ?? null, old.parameters ?? null)) out.push(fe.forbidden('parameters', 'updates to parameters are forbidden.'));
    if (o.provisioner !== old.provisioner) out.push(fe.forbidden('provisioner', 'updates to provisioner are forbidden.'));
    if ((o.reclaimPolicy ?? null) !== (old.reclaimPolicy ?? null)) out.push(fe.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
    if ((o.volumeBindingMode ?? null) !== (old.volumeBindingMode ?? null)) out.push(fe.invalid('volumeBindingMode', asStr(o.volumeBindingMode), msg.immutable));
  }
  return out;
}

const SYSTEM_PRIORITY_CLASSES: Record<string, number> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };

export function validatePriorityClass(o: Obj, old?: Obj): StatusCause[] {
  const out: StatusCause[] = [];
  const name = asStr(asObj(o.metadata).name);
  const value = asNum(o.value);
  if (name.startsWith('system-')) {
    let err = '';
    if (!(name in SYSTEM_PRIORITY_CLASSES)) err = `${name} is not a known system priority class`;
    else if (SYSTEM_PRIORITY_CLASSES[name] !== value) err = `value of ${name} PriorityClass must be ${SYSTEM_PRIORITY_CLASSES[name]}`;
    else if (o.globalDefault === true) err = `globalDefault of ${name} PriorityClass must be false`;
    if (err) out.push(fe.forbidden(child('metadata', 'name'), `priority class names with 'system-' prefix are reserved for system use only. error: ${err}`));
  } else if (value > 1000000000) {
    out.push(fe.forbidden('value', 'maximum allowed value of a user defined priority is 1000000000'));
  }
  if (has(o.preemptionPolicy)) {
    const p = asStr(o.preemptionPolicy);
    if (!p) out.push(fe.required('preemptionPolicy', ''));
    else if (p !== 'PreemptLowerPriority' && p !== 'Never') out.push(fe.notSupported('preemptionPolicy', p, ['PreemptLowerPriority', 'Never']));
  }
  if (old) {
    if (value !== asNum(old.value)) out.push(fe.invalid('value', value, msg.immutable));
    if ((o.preemptionPolicy ?? null) !== (old.preemptionPolicy ?? null)) out.push(fe.invalid('preemptionPolicy', asStr(o.preemptionPolicy), msg.immutable));
  }
  return out;
}

function validatePositiveIntOrPercent(v: unknown, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (typeof v === 'string') {
    if (!/^[0-9]+%$/.test(v)) out.push(fe.invalid(path, intOrStringText(v), "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
    else if (Number(v.slice(0, -1)) > 100) out.push(fe.invalid(path, intOrStringText(v), 'must not be greater than 100%'));
  } else if (asNum(v) < 0) out.push(fe.invalid(path, asNum(v), msg.negative));
  return out;
}

export function validatePodDisruptionBudget(o: Obj): StatusCause[] {
  const spec = asObj(o.spec);
  const out: StatusCause[] = [];
  if (has(spec.minAvailable) && has(spec.maxUnavailable)) out.push(fe.invalid('spec', new GoText('policy.PodDisruptionBudgetSpec{...}'), 'minAvailable and maxUnavailable cannot be both set'));
  if (has(spec.minAvailable)) out.push(...validatePositiveIntOrPercent(spec.minAvailable, child('spec', 'minAvailable')));
  if (has(spec.maxUnavailable)) out.push(...validatePositiveIntOrPercent(spec.maxUnavailable, child('spec', 'maxUnavailable')));
  out.push(...validateLabelSelector(spec.selector, child('spec', 'selector')));
  if (has(spec.unhealthyPodEvictionPolicy) && !['AlwaysAllow', 'IfHealthyBudget'].includes(asStr(spec.unhealthyPodEvictionPolicy))) {
    out.push(fe.notSupported(child('spec', 'unhealthyPodEvictionPolicy'), asStr(spec.unhealthyPodEvictionPolicy), ['AlwaysAllow', 'IfHealthyBudget']));
  }
  return out;
}

export function validateHPA(o: Obj): StatusCause[] {
  const spec = asObj(o.spec);
  const out: StatusCause[] = [];
  if (has(spec.minReplicas) && asNum(spec.minReplicas) < 1) out.push(fe.invalid(child('spec', 'minReplicas'), asNum(spec.minReplicas), 'must be greater than or equal to 1'));
  const max = asNum(spec.maxReplicas);
  if (max < 1) out.push(fe.invalid(child('spec', 'maxReplicas'), max, 'must be greater than 0'));
  if (has(spec.minReplicas) && max < asNum(spec.minReplicas)) out.push(fe.invalid(child('spec', 'maxReplicas'), max, 'must be greater than or equal to `minReplicas`'));
  const ref = asObj(spec.scaleTargetRef);
  const rp = child('spec', 'scaleTargetRef');
  for (const f of ['kind', 'name']) {
    const v = asStr(ref[f]);
    if (!v) out.push(fe.required(child(rp, f), ''));
    else for (const m of isValidPathSegmentName(v)) out.push(fe.invalid(child(rp, f), v, m));
  }
  if (has(spec.targetCPUUtilizationPercentage) && asNum(spec.targetCPUUtilizationPercentage) < 1) {
    out.push(fe.invalid(child('spec', 'targetCPUUtilizationPercentage'), asNum(spec.targetCPUUtilizationPercentage), 'must be greater than 0'));
  }
  return out;
}

export function validateRbacRules(o: Obj, namespaced: boolean): StatusCause[] {
  const out: StatusCause[] = [];
  asArr(o.rules).forEach((rIn, i) => {
    const r = asObj(rIn);
    const p = index('rules', i);
    if (asArr(r.verbs).length === 0) out.push(fe.required(child(p, 'verbs'), 'verbs must contain at least one value'));
    const nru = asArr(r.nonResourceURLs);
    if (nru.length > 0) {
      if (namespaced) out.push(fe.invalid(child(p, 'nonResourceURLs'), goStringSlice(nru), 'namespaced rules cannot apply to non-resource URLs'));
      if (asArr(r.apiGroups).length || asArr(r.resources).length || asArr(r.resourceNames).length) {
        out.push(fe.invalid(child(p, 'nonResourceURLs'), goStringSlice(nru), 'rules cannot apply to both regular resources and non-resource URLs'));
      }
      return;
    }
    if (asArr(r.apiGroups).length === 0) out.push(fe.required(child(p, 'apiGroups'), 'resource rules must supply at least one api group'));
    if (asArr(r.resources).length === 0) out.push(fe.required(child(p, 'resources'), 'resource rules must supply at least one resource'));
  });
  if (!namespaced && has(o.aggregationRule)) {
    const ar = asObj(o.aggregationRule);
    if (asArr(ar.clusterRoleSelectors).length === 0) out.push(fe.required(child('aggregationRule', 'clusterRoleSelectors'), 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    asArr(ar.clusterRoleSelectors).forEach((s, i) => out.push(...validateLabelSelector(s, index(child('aggregationRule', 'clusterRoleSelectors'), i))));
  }
  return out;
}

export function validateRbacBinding(o: Obj, clusterScoped: boolean, old?: Obj): StatusCause[] {
  const out: StatusCause[] = [];
  const ref = asObj(o.roleRef);
  if (asStr(ref.apiGroup) !== 'rbac.authorization.k8s.io') out.push(fe.notSupported(child('roleRef', 'apiGroup'), asStr(ref.apiGroup), ['rbac.authorization.k8s.io']));
  const kinds = clusterScoped ? ['ClusterRole'] : ['Role', 'ClusterRole'];
  if (!kinds.includes(asStr(ref.kind))) out.push(fe.notSupported(child('roleRef', 'kind'), asStr(ref.kind), kinds));
  const rn = asStr(ref.name);
  if (!rn) out.push(fe.required(child('roleRef', 'name'), ''));
  else for (const m of isValidPathSegmentName(rn)) out.push(fe.invalid(child('roleRef', 'name'), rn, m));
  asArr(o.subjects).forEach((sIn, i) => {
    const s = asObj(sIn);
    const p = index('subjects', i);
    const name = asStr(s.name);
    if (!name) out.push(fe.required(child(p, 'name'), ''));
    switch (s.kind) {
      case 'ServiceAccount':
        if (name) for (const m of isDNS1123Subdomain(name)) out.push(fe.invalid(child(p, 'name'), name, m));
        if (asStr(s.apiGroup)) out.push(fe.notSupported(child(p, 'apiGroup'), asStr(s.apiGroup), ['']));
        if (clusterScoped && !asStr(s.namespace)) out.push(fe.required(child(p, 'namespace'), ''));
        break;
      case 'User': case 'Group':
        if (asStr(s.apiGroup) !== 'rbac.authorization.k8s.io') out.push(fe.notSupported(child(p, 'apiGroup'), asStr(s.apiGroup), ['rbac.authorization.k8s.io']));
        break;
      default:
        out.push(fe.notSupported(child(p, 'kind'), asStr(s.kind), ['ServiceAccount', 'User', 'Group']));
    }
  });
  if (old && !deepEqual(o.roleRef ?? null, old.roleRef ?? null)) {
    out.push(fe.invalid('roleRef', new GoText(`rbac.RoleRef{APIGroup:${goQuote(asStr(ref.apiGroup))}, Kind:${goQuote(asStr(ref.kind))}, Name:${goQuote(rn)}}`), 'cannot change roleRef'));
  }
  return out;
}

export { validateTolerations };
