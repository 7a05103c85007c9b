// Compiles the VS Code integration suite (TypeScript, mocha tdd) into out/test-vscode/ as CommonJS.
// `vscode` stays external (the extension host provides it); mocha is bundled so the suite needs no node_modules.
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const entries = readdirSync(here).filter(f => f.endsWith('.ts')).map(f => path.join(here, f));
await esbuild.build({
  entryPoints: entries, outdir: path.join(root, 'out/test-vscode'), bundle: true, platform: 'node',
  format: 'cjs', target: 'node18', sourcemap: 'inline', external: ['vscode', 'mocha'], logLevel: 'warning',
});
