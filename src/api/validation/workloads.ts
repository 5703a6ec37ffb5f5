// apps/v1 and batch/v1 validation (pkg/apis/apps/validation, pkg/apis/batch/validation).
import type { StatusCause } from '../errors.js';
import { deepEqual } from '../object.js';
import { fe, child, msg, GoText, goLabelSelector, goStringMap } from './fielderr.js';
import { isDNS1123Label, isValidPercent } from './names.js';
import { asObj, asArr, asStr, asNum, has, validateLabelSelector, selectorEmpty, selectorMatches, type Obj } from './meta.js';
import { validatePodTemplateSpec, intOrStringText } from './pod.js';
import { parseSchedule, CronParseError, isValidTimeZone } from '../cron.js';

function nonNegative(v: unknown, path: string): StatusCause[] {
  return asNum(v) < 0 ? [fe.invalid(path, asNum(v), msg.negative)] : [];
}

function validateSelectorAndTemplate(spec: Obj, path: string, what: string, restartAlways: boolean): StatusCause[] {
  const out: StatusCause[] = [];
  const sel = spec.selector;
  if (!has(sel)) out.push(fe.required(child(path, 'selector'), ''));
  else {
    out.push(...validateLabelSelector(sel, child(path, 'selector')));
    if (selectorEmpty(sel)) out.push(fe.invalid(child(path, 'selector'), goLabelSelector(asObj(sel)), `empty selector is invalid for ${what}`));
  }
  const template = asObj(spec.template);
  const tpath = child(path, 'template');
  const labels = asObj(asObj(template.metadata).labels);
  if (has(sel) && !selectorEmpty(sel) && !selectorMatches(sel, labels)) {
    out.push(fe.invalid(child(tpath, 'metadata', 'labels'), goStringMap(asObj(template.metadata).labels as Record<string, string> | undefined), '`selector` does not match template `labels`'));
  }
  out.push(...validatePodTemplateSpec(template, tpath));
  if (restartAlways) {
    const rp = asStr(asObj(template.spec).restartPolicy);
    if (rp !== 'Always') out.push(fe.notSupported(child(tpath, 'spec', 'restartPolicy'), rp, ['Always']));
  }
  return out;
}

function activeDeadlineForbidden(spec: Obj, path: string, kind: string): StatusCause[] {
  return has(asObj(asObj(spec.template).spec).activeDeadlineSeconds)
    ? [fe.forbidden(child(path, 'template', 'spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${kind} is not Supported`)]
    : [];
}

function intOrPercentValue(v: unknown): { value: number; percent: boolean } {
  if (typeof v === 'string') {
    const m = /^(\d+)%$/.exec(v);
    return m ? { value: Number(m[1]), percent: true } : { value: 0, percent: false };
  }
  return { value: asNum(v), percent: false };
}

function validatePositiveIntOrPercent(v: unknown, path: string): StatusCause[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => fe.invalid(path, intOrStringText(v), m));
  if (typeof v === 'number') return nonNegative(v, path);
  return [];
}

function notMoreThan100(v: unknown, path: string): StatusCause[] {
  const { value, percent } = intOrPercentValue(v);
  return percent && value > 100 ? [fe.invalid(path, intOrStringText(v), 'must not be greater than 100%')] : [];
}

// ---- Deployment / ReplicaSet

function validateDeploymentSpec(spec: Obj, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  out.push(...nonNegative(spec.replicas, child(path, 'replicas')));
  out.push(...validateSelectorAndTemplate(spec, path, 'deployment', true));
  out.push(...activeDeadlineForbidden(spec, path, 'ReplicaSet'));
  const strategy = asObj(spec.strategy);
  const sp = child(path, 'strategy');
  switch (strategy.type) {
    case 'Recreate':
      if (has(strategy.rollingUpdate)) out.push(fe.forbidden(child(sp, 'rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'"));
      break;
    case 'RollingUpdate': {
      if (!has(strategy.rollingUpdate)) {
        out.push(fe.required(child(sp, 'rollingUpdate'), 'this should be defaulted and never be nil'));
        break;
      }
      const ru = asObj(strategy.rollingUpdate);
      const rp = child(sp, 'rollingUpdate');
      out.push(...validatePositiveIntOrPercent(ru.maxUnavailable, child(rp, 'maxUnavailable')));
      out.push(...validatePositiveIntOrPercent(ru.maxSurge, child(rp, 'maxSurge')));
      if (intOrPercentValue(ru.maxUnavailable).value === 0 && intOrPercentValue(ru.maxSurge).value === 0) {
        out.push(fe.invalid(child(rp, 'maxUnavailable'), intOrStringText(ru.maxUnavailable ?? 0), 'may not be 0 when `maxSurge` is 0'));
      }
      out.push(...notMoreThan100(ru.maxUnavailable, child(rp, 'maxUnavailable')));
      break;
    }
    default:
      out.push(fe.notSupported(sp, new GoText(`apps.DeploymentStrategy{Type:${JSON.stringify(asStr(strategy.type))}, RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}`), ['Recreate', 'RollingUpdate']));
  }
  out.push(...nonNegative(spec.minReadySeconds, child(path, 'minReadySeconds')));
  if (has(spec.revisionHistoryLimit)) out.push(...nonNegative(spec.revisionHistoryLimit, child(path, 'revisionHistoryLimit')));
  if (has(spec.progressDeadlineSeconds)) {
    out.push(...nonNegative(spec.progressDeadlineSeconds, child(path, 'progressDeadlineSeconds')));
    if (asNum(spec.progressDeadlineSeconds) <= asNum(spec.minReadySeconds)) {
      out.push(fe.invalid(child(path, 'progressDeadlineSeconds'), asNum(spec.progressDeadlineSeconds), 'must be greater than minReadySeconds'));
    }
  }
  return out;
}

export function validateDeployment(o: Obj, old?: Obj): StatusCause[] {
  const spec = asObj(o.spec);
  const out = validateDeploymentSpec(spec, 'spec');
  if (old) out.push(...immutableSelector(spec, asObj(old.spec)));
  return out;
}

export function validateReplicaSet(o: Obj, old?: Obj): StatusCause[] {
  const spec = asObj(o.spec);
  const out: StatusCause[] = [];
  out.push(...nonNegative(spec.replicas, child('spec', 'replicas')));
  out.push(...nonNegative(spec.minReadySeconds, child('spec', 'minReadySeconds')));
  out.push(...validateSelectorAndTemplate(spec, 'spec', 'replicaset', true));
  out.push(...activeDeadlineForbidden(spec, 'spec', 'ReplicaSet'));
  if (old) out.push(...immutableSelector(spec, asObj(old.spec)));
  return out;
}

function immutableSelector(spec: Obj, oldSpec: Obj): StatusCause[] {
  if (deepEqual(spec.selector ?? null, oldSpec.selector ?? null)) return [];
  return [fe.invalid(child('spec', 'selector'), has(spec.selector) ? goLabelSelector(asObj(spec.selector)) : new GoText('null'), msg.immutable)];
}

// ---- StatefulSet

export function validateStatefulSet(o: Obj, old?: Obj): StatusCause[] {
  const spec = asObj(o.spec);
  const path = 'spec';
  const out: StatusCause[] = [];
  const pmp = asStr(spec.podManagementPolicy);
  if (!pmp) out.push(fe.required(child(path, 'podManagementPolicy'), ''));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') out.push(fe.invalid(child(path, 'podManagementPolicy'), pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us = asObj(spec.updateStrategy);
  const usp = child(path, 'updateStrategy');
  switch (asStr(us.type)) {
    case '': out.push(fe.required(usp, '')); break;
    case 'OnDelete':
      if (has(us.rollingUpdate)) out.push(fe.invalid(child(usp, 'rollingUpdate'), new GoText('apps.RollingUpdateStatefulSetStrategy{...}'), "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate': {
      const ru = asObj(us.rollingUpdate);
      const rp = child(usp, 'rollingUpdate');
      if (has(ru.partition)) out.push(...nonNegative(ru.partition, child(rp, 'partition')));
      if (has(ru.maxUnavailable)) {
        out.push(...validatePositiveIntOrPercent(ru.maxUnavailable, child(rp, 'maxUnavailable')));
        if (intOrPercentValue(ru.maxUnavailable).value === 0) out.push(fe.invalid(child(rp, 'maxUnavailable'), intOrStringText(ru.maxUnavailable), 'cannot be 0'));
        out.push(...notMoreThan100(ru.maxUnavailable, child(rp, 'maxUnavailable')));
      }
      break;
    }
    default:
      out.push(fe.invalid(usp, new GoText(`apps.StatefulSetUpdateStrategy{Type:${JSON.stringify(asStr(us.type))}}`), "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const pol = asObj(spec.persistentVolumeClaimRetentionPolicy);
  for (const f of ['whenDeleted', 'whenScaled']) {
    const v = asStr(pol[f]);
    if (has(spec.persistentVolumeClaimRetentionPolicy) && v !== 'Retain' && v !== 'Delete') {
      out.push(fe.notSupported(child(path, 'persistentVolumeClaimRetentionPolicy', f), v, ['Retain', 'Delete']));
    }
  }
  out.push(...nonNegative(spec.replicas, child(path, 'replicas')));
  out.push(...nonNegative(spec.minReadySeconds, child(path, 'minReadySeconds')));
  if (has(spec.ordinals)) out.push(...nonNegative(asObj(spec.ordinals).start, child(path, 'ordinals', 'start')));
  out.push(...validateSelectorAndTemplate(spec, path, 'statefulset', true));
  out.push(...activeDeadlineForbidden(spec, path, 'StatefulSet'));
  if (old) {
    const a = { ...spec };
    const b = { ...asObj(old.spec) };
    for (const f of ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy']) {
      delete a[f];
      delete b[f];
    }
    if (!deepEqual(a, b)) {
      out.push(fe.forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
    }
  }
  return out;
}

// ---- DaemonSet

export function validateDaemonSet(o: Obj, old?: Obj): StatusCause[] {
  const spec = asObj(o.spec);
  const path = 'spec';
  const out: StatusCause[] = [];
  out.push(...validateSelectorAndTemplate(spec, path, 'daemonset', true));
  out.push(...activeDeadlineForbidden(spec, path, 'DaemonSet'));
  out.push(...nonNegative(spec.minReadySeconds, child(path, 'minReadySeconds')));
  out.push(...nonNegative(spec.templateGeneration, child(path, 'templateGeneration')));
  const us = asObj(spec.updateStrategy);
  const usp = child(path, 'updateStrategy');
  const t = asStr(us.type);
  if (!t) out.push(fe.required(child(usp, 'type'), ''));
  else if (t !== 'OnDelete' && t !== 'RollingUpdate') out.push(fe.notSupported(child(usp, 'type'), t, ['OnDelete', 'RollingUpdate']));
  if (t === 'RollingUpdate') {
    if (!has(us.rollingUpdate)) out.push(fe.required(child(usp, 'rollingUpdate'), ''));
    else {
      const ru = asObj(us.rollingUpdate);
      const rp = child(usp, 'rollingUpdate');
      out.push(...validatePositiveIntOrPercent(ru.maxUnavailable, child(rp, 'maxUnavailable')));
      out.push(...validatePositiveIntOrPercent(ru.maxSurge, child(rp, 'maxSurge')));
      out.push(...notMoreThan100(ru.maxUnavailable, child(rp, 'maxUnavailable')));
      out.push(...notMoreThan100(ru.maxSurge, child(rp, 'maxSurge')));
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable).value !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge).value !== 0;
      if (hasUnavailable && hasSurge) out.push(fe.invalid(child(rp, 'maxSurge'), intOrStringText(ru.maxSurge), 'may not be set when maxUnavailable is non-zero'));
      else if (!hasUnavailable && !hasSurge) out.push(fe.required(child(rp, 'maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
    }
  }
  if (has(spec.revisionHistoryLimit)) out.push(...nonNegative(spec.revisionHistoryLimit, child(path, 'revisionHistoryLimit')));
  if (old) out.push(...immutableSelector(spec, asObj(old.spec)));
  return out;
}

export function validateControllerRevision(o: Obj, old?: Obj): StatusCause[] {
  const out: StatusCause[] = [];
  if (!has(o.data)) out.push(fe.required('data', ''));
  out.push(...nonNegative(o.revision, 'revision'));
  if (old && !deepEqual(o.data ?? null, old.data ?? null)) out.push(fe.invalid('data', new GoText('runtime.RawExtension{...}'), msg.immutable));
  return out;
}

// ---- Job / CronJob

function validateJobSpec(spec: Obj, path: string, generatedSelector: boolean): StatusCause[] {
  const out: StatusCause[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished']) {
    if (has(spec[f])) out.push(...nonNegative(spec[f], child(path, f)));
  }
  if (has(spec.completionMode)) {
    const cm = asStr(spec.completionMode);
    if (cm !== 'NonIndexed' && cm !== 'Indexed') out.push(fe.notSupported(child(path, 'completionMode'), cm, ['NonIndexed', 'Indexed']));
    if (cm === 'Indexed') {
      if (!has(spec.completions)) out.push(fe.required(child(path, 'completions'), 'when completion mode is Indexed'));
      if (has(spec.parallelism) && asNum(spec.parallelism) > 100000) out.push(fe.invalid(child(path, 'parallelism'), asNum(spec.parallelism), 'must be less than or equal to 100000 when completion mode is Indexed'));
    }
  }
  if (has(spec.podReplacementPolicy)) {
    const prp = asStr(spec.podReplacementPolicy);
    const allowed = has(spec.podFailurePolicy) ? ['Failed'] : ['Failed', 'TerminatingOrFailed'];
    if (!allowed.includes(prp)) out.push(fe.notSupported(child(path, 'podReplacementPolicy'), prp, allowed));
  }
  const template = asObj(spec.template);
  const tpath = child(path, 'template');
  out.push(...validatePodTemplateSpec(template, tpath));
  const rp = asStr(asObj(template.spec).restartPolicy);
  if (rp !== 'OnFailure' && rp !== 'Never') out.push(fe.notSupported(child(tpath, 'spec', 'restartPolicy'), rp, ['OnFailure', 'Never']));
  else if (rp === 'OnFailure' && has(spec.podFailurePolicy)) out.push(fe.invalid(child(tpath, 'spec', 'restartPolicy'), rp, 'only "Never" is supported when podFailurePolicy is specified'));
  const sel = spec.selector;
  if (!has(sel)) {
    if (!generatedSelector) out.push(fe.required(child(path, 'selector'), ''));
  } else {
    out.push(...validateLabelSelector(sel, child(path, 'selector')));
    const labels = asObj(template.metadata).labels;
    if (!selectorMatches(sel, labels)) out.push(fe.invalid(child(tpath, 'metadata', 'labels'), goStringMap(labels as Record<string, string> | undefined), '`selector` does not match template `labels`'));
  }
  return out;
}

export function validateJob(o: Obj, old?: Obj): StatusCause[] {
  const spec = asObj(o.spec);
  const out = validateJobSpec(spec, 'spec', spec.manualSelector !== true);
  const name = asStr(asObj(o.metadata).name);
  if (spec.completionMode === 'Indexed' && asNum(spec.completions) > 0 && name) {
    const host = `${name}-${asNum(spec.completions) - 1}`;
    if (isDNS1123Label(host).length) out.push(fe.invalid(child('metadata', 'name'), name, `will not able to create pod with invalid DNS label: ${host}`));
  }
  if (old) {
    const os = asObj(old.spec);
    if (spec.completionMode !== 'Indexed') {
      if (!deepEqual(spec.completions ?? null, os.completions ?? null)) out.push(fe.invalid(child('spec', 'completions'), has(spec.completions) ? asNum(spec.completions) : new GoText('null'), msg.immutable));
    } else if (!deepEqual(spec.completions ?? null, os.completions ?? null) && has(spec.completions) && spec.completions !== spec.parallelism) {
      out.push(fe.invalid(child('spec', 'completions'), asNum(spec.completions), 'can only be modified in tandem with spec.parallelism'));
    }
    if (!deepEqual(spec.selector ?? null, os.selector ?? null)) out.push(fe.invalid(child('spec', 'selector'), has(spec.selector) ? goLabelSelector(asObj(spec.selector)) : new GoText('null'), msg.immutable));
    if (!deepEqual(spec.template ?? null, os.template ?? null)) out.push(fe.invalid(child('spec', 'template'), new GoText('core.PodTemplateSpec{...}'), msg.immutable));
    for (const f of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex']) {
      if (!deepEqual(spec[f] ?? null, os[f] ?? null)) {
        const v = spec[f];
        out.push(fe.invalid(child('spec', f), typeof v === 'string' || typeof v === 'number' ? v : new GoText(has(v) ? `${f}{...}` : 'null'), msg.immutable));
      }
    }
  }
  return out;
}

export function validateCronJob(o: Obj, old?: Obj): StatusCause[] {
  const spec = asObj(o.spec);
  const path = 'spec';
  const out: StatusCause[] = [];
  const schedule = asStr(spec.schedule);
  if (!schedule) out.push(fe.required(child(path, 'schedule'), ''));
  else {
    try {
      parseSchedule(schedule);
    } catch (e) {
      out.push(fe.invalid(child(path, 'schedule'), schedule, e instanceof CronParseError ? e.message : String(e)));
    }
    const allowTZ = old ? asStr(asObj(old.spec).schedule).includes('TZ') : false;
    if (allowTZ && schedule.includes('TZ') && has(spec.timeZone)) out.push(fe.invalid(child(path, 'schedule'), schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    else if (!allowTZ && schedule.includes('TZ')) out.push(fe.invalid(child(path, 'schedule'), schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  if (has(spec.startingDeadlineSeconds)) out.push(...nonNegative(spec.startingDeadlineSeconds, child(path, 'startingDeadlineSeconds')));
  if (has(spec.timeZone) && (!old || asObj(old.spec).timeZone !== spec.timeZone)) {
    const tz = asStr(spec.timeZone);
    if (tz.length === 0 || tz === 'Local' || !isValidTimeZone(tz) || /\s/.test(tz)) out.push(fe.invalid(child(path, 'timeZone'), tz, `unknown time zone ${tz}`));
  }
  const cp = asStr(spec.concurrencyPolicy);
  if (!cp) out.push(fe.required(child(path, 'concurrencyPolicy'), ''));
  else if (!['Allow', 'Forbid', 'Replace'].includes(cp)) out.push(fe.notSupported(child(path, 'concurrencyPolicy'), cp, ['Allow', 'Forbid', 'Replace']));
  const jt = asObj(spec.jobTemplate);
  const jts = asObj(jt.spec);
  out.push(...validateJobSpec(jts, child(path, 'jobTemplate', 'spec'), true));
  for (const f of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) if (has(spec[f])) out.push(...nonNegative(spec[f], child(path, f)));
  const name = asStr(asObj(o.metadata).name);
  if (!old && name.length > 52) out.push(fe.invalid(child('metadata', 'name'), name, 'must be no more than 52 characters'));
  return out;
}
