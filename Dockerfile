# Keel's image: `docker build -t keel .` (see README, "Deploy"). CI lints this file and runs the
# exact tree the runtime stage copies, as a non-root user with only the data directory writable
# (test/deploy/production-build.test.ts); it cannot build the image itself (no Docker daemon).

# --- build: install with the lock, compile the server, produce .next/standalone ---
FROM node:20-bookworm-slim AS build
WORKDIR /build
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# --- runtime: node, git (rollbacks), PostgreSQL client tools of the server's major (backups) ---
FROM node:20-bookworm-slim AS runtime
# Debian bookworm ships the PostgreSQL 15 client tools; keep PG_MAJOR equal to the server's major
# (compose.yaml runs postgres:15). Versions come from the pinned base image's Debian release.
ARG PG_MAJOR=15
# hadolint ignore=DL3008
RUN apt-get update \
  && apt-get install -y --no-install-recommends git ca-certificates "postgresql-client-${PG_MAJOR}" \
  && rm -rf /var/lib/apt/lists/* \
  && groupadd --system --gid 10001 keel \
  && useradd --system --uid 10001 --gid keel --home-dir /data --shell /usr/sbin/nologin keel \
  && mkdir -p /data \
  && chown keel:keel /data \
  && chmod 0700 /data

ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0 \
    PORT=3000 \
    HOME=/data \
    KEEL_DATA_DIR=/data

# The application tree belongs to root and is read-only for keel; only /data is written.
WORKDIR /app
COPY --from=build /build/.next/standalone /app
COPY --from=build /build/runbooks /app/runbooks

USER keel
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/api/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "keel-server.mjs"]
