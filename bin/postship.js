#!/usr/bin/env node
// The CLI is the built JavaScript in dist/: in a checkout, `npm ci` builds it (the `prepare`
// script) or `npm run build` does; an installed package (`npm install -g postship-x.y.z.tgz`)
// ships it. Run this file itself under a supervisor (systemd, Docker), not `npx postship`:
// npm exec dies of the SIGTERM (exit 143) while the daemon under it stops cleanly with 0.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    `postship: ${fileURLToPath(entry)} is missing: this copy was never built.\n` +
      'hint: in a checkout run `npm run build`; a package made with `npm pack` includes dist/ itself.\n',
  );
  process.exit(1);
}
const { main } = await import(entry.href);
await main();
