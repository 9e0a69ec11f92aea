# syntax=docker/dockerfile:1
# One file, one target per service: docker build --target order-management -t order-platform/order-management .
#
# Runtime layout of every service image (WORKDIR /app, user 10001:10001, NODE_ENV=production):
#   /app/package.json                       root manifest (declares the workspaces)
#   /app/node_modules/                      production dependencies of the libs and services (npm ci --omit=dev);
#                                           node_modules/@shop/* are symlinks to ../../libs/* and ../../services/*
#   /app/libs/<lib>/package.json, dist/     contracts, demo-data (the seed Jobs' ids), platform, messaging (compiled)
#   /app/services/<service>/package.json, dist/   only the image's own service
#   CMD ["node", "--require", "@shop/platform/preload", "services/<service>/dist/main.js"]
#                                           (the preload starts OpenTelemetry first, when OTEL_EXPORTER_OTLP_ENDPOINT is set)
#   Jobs reuse the image with another command: node services/<service>/dist/data-access/{migrate,seed}.js
# node is PID 1 and gets SIGTERM directly: the services install their own SIGTERM handler (drain, then exit),
# and spawn no children, so no init process is needed.

ARG NODE_IMAGE=node:24-alpine3.23
# "build" compiles inside Docker (skaffold, CI). "host-dist" takes the dist/ folders compiled on the host
# by `tsc -b --watch`, which is what Tilt live-syncs afterwards.
ARG DIST_STAGE=build

FROM ${NODE_IMAGE} AS base
WORKDIR /app

# Manifests first, so dependency layers are cached until a package.json or the lockfile changes.
FROM base AS manifests
COPY package.json package-lock.json .npmrc ./
COPY libs/contracts/package.json libs/contracts/
COPY libs/demo-data/package.json libs/demo-data/
COPY libs/platform/package.json libs/platform/
COPY libs/messaging/package.json libs/messaging/
COPY services/api-gateway/package.json services/api-gateway/
COPY services/order-management/package.json services/order-management/
COPY services/customer-service/package.json services/customer-service/
COPY services/inventory-service/package.json services/inventory-service/

FROM manifests AS build
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY libs/ libs/
COPY services/ services/
# The context may carry a host dist/ (it is not dockerignored, see .dockerignore); start clean.
# Only the services and the libs they reference; tools/ (load generator) is not part of any image.
RUN rm -rf libs/*/dist services/*/dist \
 && npx tsc -b services/api-gateway services/order-management services/customer-service services/inventory-service

FROM manifests AS host-dist
COPY libs/ libs/
COPY services/ services/

FROM ${DIST_STAGE} AS dist

FROM manifests AS prod-deps
# Production dependencies of the libs and services only (not of tools/ or the root's dev tooling).
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    --workspace=libs/contracts --workspace=libs/demo-data --workspace=libs/platform --workspace=libs/messaging \
    --workspace=services/api-gateway --workspace=services/order-management \
    --workspace=services/customer-service --workspace=services/inventory-service
# Collect node_modules wherever npm put them (root, or nested in a workspace on version conflicts).
RUN mkdir /out && cp -a node_modules /out/ \
 && for d in libs/* services/*; do if [ -d "$d/node_modules" ]; then mkdir -p "/out/$d" && cp -a "$d/node_modules" "/out/$d/"; fi; done

FROM base AS runtime
ENV NODE_ENV=production
COPY --from=prod-deps /out/ ./
COPY --from=prod-deps /app/package.json ./
# Owned by the runtime user only so `tilt up` can live-sync dist/ (with readOnlyRootFilesystem off);
# in the cluster the root filesystem is read-only anyway.
COPY --from=dist --chown=10001:10001 /app/libs/contracts/package.json libs/contracts/
COPY --from=dist --chown=10001:10001 /app/libs/contracts/dist libs/contracts/dist
COPY --from=dist --chown=10001:10001 /app/libs/demo-data/package.json libs/demo-data/
COPY --from=dist --chown=10001:10001 /app/libs/demo-data/dist libs/demo-data/dist
COPY --from=dist --chown=10001:10001 /app/libs/platform/package.json libs/platform/
COPY --from=dist --chown=10001:10001 /app/libs/platform/dist libs/platform/dist
COPY --from=dist --chown=10001:10001 /app/libs/messaging/package.json libs/messaging/
COPY --from=dist --chown=10001:10001 /app/libs/messaging/dist libs/messaging/dist
USER 10001:10001

FROM runtime AS api-gateway
COPY --from=dist --chown=10001:10001 /app/services/api-gateway/package.json services/api-gateway/
COPY --from=dist --chown=10001:10001 /app/services/api-gateway/dist services/api-gateway/dist
EXPOSE 3000
CMD ["node", "--require", "@shop/platform/preload", "services/api-gateway/dist/main.js"]

FROM runtime AS order-management
COPY --from=dist --chown=10001:10001 /app/services/order-management/package.json services/order-management/
COPY --from=dist --chown=10001:10001 /app/services/order-management/dist services/order-management/dist
EXPOSE 3001
CMD ["node", "--require", "@shop/platform/preload", "services/order-management/dist/main.js"]

FROM runtime AS customer-service
COPY --from=dist --chown=10001:10001 /app/services/customer-service/package.json services/customer-service/
COPY --from=dist --chown=10001:10001 /app/services/customer-service/dist services/customer-service/dist
EXPOSE 3002
CMD ["node", "--require", "@shop/platform/preload", "services/customer-service/dist/main.js"]

FROM runtime AS inventory-service
COPY --from=dist --chown=10001:10001 /app/services/inventory-service/package.json services/inventory-service/
COPY --from=dist --chown=10001:10001 /app/services/inventory-service/dist services/inventory-service/dist
EXPOSE 3003
CMD ["node", "--require", "@shop/platform/preload", "services/inventory-service/dist/main.js"]
