// Kubeconfig files for the admin user (and later, nodes).
import YAML from 'yaml';

export function kubeconfigYaml(opts: { server: string; caPem: string; token: string; cluster?: string; user?: string }): string {
  const cluster = opts.cluster ?? 'timonel';
  const user = opts.user ?? 'admin';
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: opts.server, 'certificate-authority-data': Buffer.from(opts.caPem).toString('base64') } }],
    users: [{ name: user, user: { token: opts.token } }],
    contexts: [{ name: cluster, context: { cluster, user, namespace: 'default' } }],
    'current-context': cluster,
    preferences: {},
  });
}
