# postship daemon image: workers + webhook/admin HTTP server in one process.
# The runtime stage holds the package as `npm pack` makes it (package.json "files") with its
# production dependencies, nothing else. test/integration/deploy/ builds the same layout
# from this file's COPY and RUN lines, without a container engine: keep them in step.

FROM node:20-bookworm-slim AS build
# better-sqlite3 builds from source when no prebuilt binary can be downloaded.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
# Scripts off: `prepare` would build before the sources are here. The one native module is built on its own.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY jobs ./jobs
COPY migrations ./migrations
COPY templates ./templates
COPY deploy/production-layout.sh ./deploy/
RUN sh deploy/production-layout.sh /app

FROM node:20-bookworm-slim
ENV NODE_ENV=production POSTSHIP_DB=/data/postship.db PORT=3000
# Docker fills a fresh named volume from the image's directory, owner and mode included. Without
# this line the mount point is root's (755) and the daemon, user node, cannot create its database.
RUN install -d -o node -g node -m 0750 /data
WORKDIR /app
COPY --from=build /app ./
VOLUME ["/data"]
EXPOSE 3000
USER node
# Ready = Redis and the database answer (each check gives up after 1.5 s).
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# In-flight sends get 10 s after SIGTERM, then Redis and SQLite close: give the container 20 s to
# stop (docker-compose.yml stop_grace_period; `docker run --stop-timeout 20`, `docker stop -t 20`).
CMD ["node", "bin/postship.js", "daemon", "--shutdown-timeout", "10"]
