// Builds the extension bundle, the CLI bundle and the worker bundle into dist/, and copies the
// tree-sitter runtime and grammar .wasm files beside them (they are loaded with locateFile at run time).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, chmodSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
mkdirSync('dist/grammars', { recursive: true });

// web-tree-sitter's ESM build needs import.meta.url, which is empty in a CommonJS bundle: use its .cjs build.
const treeSitterCjs = require.resolve('web-tree-sitter');
const cjsTreeSitter = {
  name: 'web-tree-sitter-cjs',
  setup(b) { b.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: treeSitterCjs })); },
};
const common = {
  bundle: true, platform: 'node', format: 'cjs', target: 'node18', sourcemap: !production,
  minify: production, plugins: [cjsTreeSitter], logLevel: 'warning',
  // pg is loaded only for postgres:// indexes; pg-native is an optional peer we never use.
  external: ['vscode', 'pg-native'],
};
const builds = [
  { entryPoints: { extension: 'src/extension/main.ts' }, optional: true },
  { entryPoints: { cli: 'src/cli/main.ts' }, banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: { worker: 'src/node/worker.ts' } },
  { entryPoints: { 'decode-worker': 'src/index/file/decode-worker.ts' } },
  { entryPoints: { 'extension-worker': 'src/extension/worker.ts' }, optional: true },
];
// --bench: the engine benchmark too, beside the worker and the grammars it loads (not packaged)
if (process.argv.includes('--bench')) builds.push({ entryPoints: { 'perf-engine': 'bench/perf/engine.ts' }, external: [...common.external, 'minhash'] });
import { existsSync } from 'node:fs';
for (const b of builds) {
  const entry = Object.values(b.entryPoints)[0];
  if (b.optional && !existsSync(entry)) continue;
  const { optional, ...opts } = b;
  const options = { ...common, ...opts, outdir: 'dist' };
  if (watch) await (await esbuild.context(options)).watch();
  else await esbuild.build(options);
}
if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);

// the SPDX licence corpus, precomputed once here instead of in every process that detects a licence
// (src/node/license.ts reads dist/license-corpus.json and builds the corpus itself when it is missing or stale)
if (!watch) {
  const gen = 'dist/.license-corpus.js';
  await esbuild.build({ ...common, sourcemap: false, entryPoints: ['scripts/license-corpus.ts'], outfile: gen });
  execFileSync(process.execPath, [gen, 'dist/license-corpus.json'], { stdio: 'inherit' });
  rmSync(gen);
}

const grammars = {
  'tree-sitter-javascript': ['tree-sitter-javascript.wasm'],
  'tree-sitter-typescript': ['tree-sitter-typescript.wasm', 'tree-sitter-tsx.wasm'],
  'tree-sitter-python': ['tree-sitter-python.wasm'],
  'tree-sitter-java': ['tree-sitter-java.wasm'],
  'tree-sitter-c': ['tree-sitter-c.wasm'],
  'tree-sitter-cpp': ['tree-sitter-cpp.wasm'],
  'tree-sitter-c-sharp': ['tree-sitter-c_sharp.wasm'],
  'tree-sitter-go': ['tree-sitter-go.wasm'],
  'tree-sitter-rust': ['tree-sitter-rust.wasm'],
  'tree-sitter-ruby': ['tree-sitter-ruby.wasm'],
  'tree-sitter-php': ['tree-sitter-php.wasm'],
};
for (const [pkg, files] of Object.entries(grammars)) {
  const dir = path.dirname(require.resolve(`${pkg}/package.json`));
  for (const f of files) copyFileSync(path.join(dir, f), path.join('dist/grammars', f));
}
copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), 'dist/web-tree-sitter.wasm');
