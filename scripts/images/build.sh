#!/usr/bin/env bash
# Builds timonel's test/demo OCI images offline from Debian packages (no network):
#   busybox  busybox-static + a symlink per applet (sh, httpd, wget, nc, ...), /var/www/index.html
#   pause    catatonit -P (the pod sandbox image, imported as timonel.local/pause:3.9)
# as OCI layouts under OUTDIR (umoci), then optionally:
#   --push 127.0.0.1:PORT     copy both into a running registry (skopeo, plain HTTP)
#   --import /path/to.sock    import both into a containerd (ctr, namespace k8s.io)
#   --serve [PORT]            start Debian's docker-registry on 127.0.0.1[:PORT], push, run until Ctrl-C
# Needs: apt-get install umoci skopeo containerd docker-registry busybox-static catatonit
# Usage: scripts/images/build.sh OUTDIR [--push HOST:PORT] [--import SOCKET] [--serve [PORT]]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
if [ ! -f "$root/dist/src/cri/images.js" ] || [ "$root/src/cri/images.ts" -nt "$root/dist/src/cri/images.js" ]; then
  (cd "$root" && npx tsc -p tsconfig.json >/dev/null) || true
fi
if [ ! -f "$root/dist/src/cri/images.js" ]; then
  echo "dist/src/cri/images.js missing: run npm run build first" >&2
  exit 1
fi
exec node "$root/dist/src/cri/images.js" "$@"
