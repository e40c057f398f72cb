#!/bin/sh
# Builds the production layout of postship in DEST: the package exactly as `npm pack` makes it
# (package.json "files"), its production dependencies, and nothing else. Run it from a source
# tree whose node_modules came from `npm ci` with better-sqlite3 built: the Dockerfile's build
# stage does, and test/integration/deploy/ runs this same script without a container engine.
set -eu
dest=${1:?usage: sh deploy/production-layout.sh DEST [KEEP_TARBALL_IN]}
keep=${2:-}
src=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# npm pack runs `prepare` (tsc -> dist/) and takes what "files" lists, as `npm publish` would.
npm pack --silent --pack-destination "$work" >/dev/null
if [ -n "$keep" ]; then cp "$work"/postship-*.tgz "$keep/"; fi
mkdir -p "$dest"
tar -xzf "$work"/postship-*.tgz -C "$dest" --strip-components=1 --no-same-owner
cp package-lock.json "$dest/"
cd "$dest"
# Scripts off: `prepare` would need the dev dependencies; the one native module is copied below.
npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
# --omit=dev keeps a devDependency that is also some package's optional peer (typescript and
# @types/* here, via valibot and drizzle-orm): the lock file marks those devOptional.
# Their commands in node_modules/.bin go with them.
node -e '
  const { existsSync, readdirSync, rmSync } = require("node:fs");
  const lock = require("./package-lock.json");
  for (const [path, entry] of Object.entries(lock.packages)) if (entry.devOptional) rmSync(path, { recursive: true, force: true });
  for (const name of readdirSync("node_modules/.bin")) if (!existsSync(`node_modules/.bin/${name}`)) rmSync(`node_modules/.bin/${name}`);
'
# better-sqlite3's binding as built for the source tree: same lock file, Node and platform.
mkdir -p node_modules/better-sqlite3/build/Release
cp "$src/node_modules/better-sqlite3/build/Release/better_sqlite3.node" node_modules/better-sqlite3/build/Release/
rm package-lock.json
