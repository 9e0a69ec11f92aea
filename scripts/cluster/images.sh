#!/usr/bin/env bash
# Service images for the real node, built without Docker and without a registry:
#   CLUSTER_STATE_DIR=<dir> scripts/cluster/images.sh        (node.sh start first)
# buildah builds each image FROM scratch: the host's node binary and the shared libraries it links,
# the production node_modules (npm ci --omit=dev, as the Dockerfile's prod-deps stage), the compiled
# libs and the service's own dist/ (npm run build), laid out as the production Dockerfile lays them
# out (WORKDIR /app, user 10001:10001, CMD node --require @shop/platform/preload services/<service>/dist/main.js). The migration Jobs
# reuse the service images, as in the chart. Archives are cached by a hash of their contents, so a warm
# run only imports them into the node's containerd (namespace k8s.io) as order-platform/<service>:$IMAGE_TAG.
# The Dockerfile stays the way to build images for a registry.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${CLUSTER_CACHE_DIR:-$HOME/.cache/order-platform/cluster}
STATE=${CLUSTER_STATE_DIR:?set CLUSTER_STATE_DIR}/node
IMAGE_TAG=${IMAGE_TAG:-cluster-test}
SERVICES=(api-gateway order-management customer-service inventory-service)
LIBS=(contracts demo-data platform messaging)
PORTS=([0]=3000 [1]=3001 [2]=3002 [3]=3003)
SOCK=$STATE/containerd/containerd.sock
CTR=(ctr --address "$SOCK" --namespace k8s.io)
OUT=$CACHE/images

log() { printf '[images] %s\n' "$*" >&2; }
hash_files() { # paths... -> one sha256 over names and contents
  find "$@" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16
}

[ -S "$SOCK" ] || { log "no containerd at $SOCK: run scripts/cluster/node.sh start first"; exit 1; }
mkdir -p "$OUT"
cd "$ROOT"

log "compiling the services (tsc -b, incremental)"
nice npx tsc -b "${SERVICES[@]/#/services/}"

# Production dependencies, keyed by the manifests they are installed from.
manifests=(package.json package-lock.json .npmrc libs/*/package.json services/*/package.json tools/*/package.json)
deps_key=$(hash_files "${manifests[@]}")
deps=$OUT/prod-deps-$deps_key
if [ ! -d "$deps/node_modules" ]; then
  log "installing production node_modules ($deps_key)"
  rm -rf "$deps.tmp" && mkdir -p "$deps.tmp"
  for f in "${manifests[@]}"; do mkdir -p "$deps.tmp/$(dirname "$f")" && cp "$f" "$deps.tmp/$f"; done
  (cd "$deps.tmp" && nice npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline \
    "${LIBS[@]/#/--workspace=libs/}" "${SERVICES[@]/#/--workspace=services/}" >&2)
  rm -rf "$deps" && mv "$deps.tmp" "$deps"
fi

node_bin=$(readlink -f "$(command -v node)")
# The interpreter and every library the node binary links (ldd prints "name => path (addr)" or "path (addr)").
mapfile -t node_libs < <(ldd "$node_bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u)
# Paths stay relative to the repo (or absolute on the host), so the key does not depend on where it runs from.
base_key=$(printf '%s\n' "$deps_key" "$(sha256sum < "${BASH_SOURCE[0]}")" \
  "$(hash_files "$node_bin" "${node_libs[@]}" libs/*/dist libs/*/package.json)" | sha256sum | cut -c1-16)

store=$(mktemp -d)
BUILDAH=(buildah --root "$store/root" --runroot "$store/run" --storage-driver vfs)
cleanup() {
  "${BUILDAH[@]}" rm -a >/dev/null 2>&1 || true
  rm -rf "$store" 2>/dev/null || true
}
trap cleanup EXIT

stage_base() { # dir
  local dir=$1 lib f
  mkdir -p "$dir/usr/local/bin" "$dir/tmp" "$dir/etc" "$dir/app/libs" "$dir/app/services"
  cp "$node_bin" "$dir/usr/local/bin/node"
  for f in "${node_libs[@]}"; do mkdir -p "$dir$(dirname "$f")" && cp -L "$f" "$dir$f"; done
  printf 'root:x:0:0:root:/root:/sbin/nologin\napp:x:10001:10001:app:/app:/sbin/nologin\n' > "$dir/etc/passwd"
  printf 'root:x:0:\napp:x:10001:\n' > "$dir/etc/group"
  chmod 1777 "$dir/tmp"
  cp package.json "$dir/app/"
  cp -a "$deps/node_modules" "$dir/app/"
  for d in "$deps"/libs/* "$deps"/services/*; do
    [ -d "$d/node_modules" ] && mkdir -p "$dir/app/${d#"$deps"/}" && cp -a "$d/node_modules" "$dir/app/${d#"$deps"/}/"
  done
  for lib in "${LIBS[@]}"; do
    mkdir -p "$dir/app/libs/$lib" && cp -a "libs/$lib/package.json" "libs/$lib/dist" "$dir/app/libs/$lib/"
  done
}

built_base=
for i in "${!SERVICES[@]}"; do
  svc=${SERVICES[$i]}
  key=$(printf '%s\n' "$base_key" "$(hash_files "services/$svc/dist" "services/$svc/package.json")" | sha256sum | cut -c1-16)
  archive=$OUT/$svc-$key.tar
  name=order-platform/$svc:$IMAGE_TAG
  if [ ! -f "$archive" ]; then
    if [ -z "$built_base" ]; then
      log "building the base layer ($base_key): node $("$node_bin" --version), its libraries, node_modules, libs"
      stage_base "$store/base"
      base=$("${BUILDAH[@]}" from scratch)
      "${BUILDAH[@]}" copy -q "$base" "$store/base" / >/dev/null
      "${BUILDAH[@]}" commit -q "$base" "order-platform/base:$base_key" >/dev/null
      built_base=1
    fi
    log "building $name ($key)"
    rm -rf "$store/svc" && mkdir -p "$store/svc/services/$svc"
    cp -a "services/$svc/package.json" "services/$svc/dist" "$store/svc/services/$svc/"
    c=$("${BUILDAH[@]}" from "order-platform/base:$base_key")
    "${BUILDAH[@]}" copy -q "$c" "$store/svc" /app >/dev/null
    "${BUILDAH[@]}" config --workingdir /app --user 10001:10001 \
      --env PATH=/usr/local/bin:/usr/bin:/bin --env NODE_ENV=production \
      --port "${PORTS[$i]}" --cmd "[\"node\", \"--require\", \"@shop/platform/preload\", \"services/$svc/dist/main.js\"]" "$c"
    "${BUILDAH[@]}" commit -q "$c" "$name" >/dev/null
    "${BUILDAH[@]}" push -q "$name" "docker-archive:$archive.tmp:$name"
    mv "$archive.tmp" "$archive"
  fi
  # Import only what this node does not hold yet (a marker per image, reset with the node's state).
  mkdir -p "$STATE/images"
  if [ "$(cat "$STATE/images/$svc" 2>/dev/null)" != "$key" ]; then
    log "importing $name into the node's containerd"
    "${CTR[@]}" images import "$archive" >/dev/null
    echo "$key" > "$STATE/images/$svc"
  fi
  # Older archives of this service are dead weight.
  find "$OUT" -maxdepth 1 -name "$svc-*.tar" ! -name "$svc-$key.tar" -delete
done
find "$OUT" -maxdepth 1 -name 'prod-deps-*' ! -name "prod-deps-$deps_key" -exec rm -rf {} +
log "images ready: ${SERVICES[*]/#/order-platform/} (tag $IMAGE_TAG)"
