import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KmsgOomWatcher, oomKilledContainer } from './oom.js';

const ID = 'ddab3b48a8ba96f08098ca9a651e958316c274f1ddd47577f4dbf2fedd298fb1';

test('oom-kill records name the killed task\'s container', () => {
  const rec = `6,2301,4298265181,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=${ID},mems_allowed=0,oom_memcg=/timonel/n/podu/${ID},task_memcg=/timonel/n/podu/${ID},task=dd,pid=3210,uid=0\n`;
  assert.equal(oomKilledContainer(rec), ID);
  // a pod-level limit: the OOM is in the pod cgroup, the victim's container is the task's memcg
  const pod = `6,1,1,-;oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=/kubepods/podu,task_memcg=/kubepods/podu/${ID},task=x,pid=1,uid=0`;
  assert.equal(oomKilledContainer(pod), ID);
  const systemd = `6,1,1,-;oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=/kubepods.slice/cri-containerd-${ID}.scope,task=x,pid=1,uid=0`;
  assert.equal(oomKilledContainer(systemd), ID);
  assert.equal(oomKilledContainer(`6,1,1,-;oom-kill:constraint=CONSTRAINT_NONE,task_memcg=/user.slice,task=x,pid=1,uid=0`), undefined);
  assert.equal(oomKilledContainer(`6,1,1,-;Memory cgroup out of memory: Killed process 3210 (dd)`), undefined);
});

test('without a readable kernel log the watcher reports nothing and says so', () => {
  const w = new KmsgOomWatcher('/nonexistent/kmsg');
  assert.equal(w.available, false);
  assert.equal(w.wasOomKilled(ID), false);
  w.close();
});
