// The portal's build: TypeScript pages under src/site, bundled into dist/site with hashed asset names
// (the gateway serves those as immutable). The crypto and evidence packages are taken from their
// TypeScript sources, with Node's crypto and Buffer replaced by browser implementations (src/site/shims).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('./src/site'),
  base: '/',
  publicDir: false,
  resolve: {
    alias: [
      { find: '@henan-chain/crypto', replacement: here('../crypto/src/index.ts') },
      { find: '@henan-chain/evidence', replacement: here('../evidence/src/index.ts') },
      // Only its report verifier, which loads nothing but the crypto package.
      { find: '@henan-chain/gateway', replacement: here('../gateway/src/index.ts') },
      { find: /^(node:)?crypto$/, replacement: here('./src/site/shims/node-crypto.ts') },
      { find: /^node:fs$/, replacement: here('./src/site/shims/node-fs.ts') },
    ],
  },
  build: {
    outDir: here('./dist/site'),
    emptyOutDir: true,
    target: 'es2022',
    assetsDir: 'assets',
    reportCompressedSize: true,
  },
});
