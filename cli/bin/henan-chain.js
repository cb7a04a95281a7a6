#!/usr/bin/env node
'use strict';
// The CLI is TypeScript compiled to dist/; this committed shim is what npm links as the bin, so
// that the link exists (and says what to do) even before the first build.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('henan-chain: not built yet: run `npm run build` first (in the project root)\n');
  process.exitCode = 2;
} else {
  require(main);
}
