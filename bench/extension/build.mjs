// Compiles the extension benchmark (runs inside the VS Code extension host) into out/bench-extension/.
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const require = createRequire(path.join(root, 'package.json'));
await esbuild.build({
  entryPoints: [path.join(here, 'index.ts')], outdir: path.join(root, 'out/bench-extension'), bundle: true,
  platform: 'node', format: 'cjs', target: 'node18', external: ['vscode', 'pg-native'], logLevel: 'warning',
  // the in-thread baseline bundles the engine; web-tree-sitter's CommonJS build, as in esbuild.mjs
  plugins: [{ name: 'web-tree-sitter-cjs', setup(b) { b.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') })); } }],
});
