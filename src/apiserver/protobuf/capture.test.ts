// Live check against the real kubectl, when it is installed: what it POSTs decodes to what it prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessSync, constants } from 'node:fs';
import { decodeProtobufObject, PROTOBUF_CONTENT_TYPE } from './index.js';
import { KUBECTL, runKubectl, startCaptureServer } from './testing/capture-server.js';

function haveKubectl(): boolean {
  try { accessSync(KUBECTL, constants.X_OK); return true; } catch { return false; }
}

test('kubectl create sends protobuf that decodes to its own dry-run JSON', { skip: !haveKubectl() && `${KUBECTL} not installed`, timeout: 60_000 }, async () => {
  const server = await startCaptureServer();
  try {
    for (const args of [
      ['create', 'configmap', 'live', '--from-literal=x=y', '--from-literal=n=1'],
      ['create', 'deployment', 'live', '--image=nginx:1.25', '--replicas=0', '--port=8080'],
    ]) {
      const before = server.requests.length;
      const run = await runKubectl(server, args);
      assert.equal(run.code, 0, run.stderr);
      const post = server.requests.slice(before).find((r) => r.method === 'POST');
      assert.ok(post, 'kubectl sent no POST');
      assert.equal(post.contentType, PROTOBUF_CONTENT_TYPE);
      const dry = await runKubectl(server, [...args, '-o', 'json', '--dry-run=client']);
      assert.equal(dry.code, 0, dry.stderr);
      assert.deepEqual(decodeProtobufObject(post.body), JSON.parse(dry.stdout));
      assert.match(run.stdout, /created/);
    }
  } finally {
    await server.close();
  }
});
