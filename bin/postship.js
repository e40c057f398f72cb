#!/usr/bin/env node
// The built CLI lives in dist/ (`npm ci` builds it via `prepare`; or run `npm run build`).
import { main } from '../dist/src/cli/main.js';

await main();
