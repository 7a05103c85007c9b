// The extension manifest: lazy activation, every setting described, trust and virtual-workspace
// behaviour declared, and the .vsix holding the bundles, grammars and media only (real `vsce ls`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

test('activation is lazy: languages, the report panel, projects with MemoCheck files; never *', () => {
  assert.ok(!pkg.activationEvents.includes('*'));
  assert.ok(!pkg.activationEvents.includes('onStartupFinished'));
  for (const l of ['javascript', 'typescript', 'python', 'java', 'c', 'cpp', 'csharp', 'go', 'rust', 'ruby', 'php']) {
    assert.ok(pkg.activationEvents.includes(`onLanguage:${l}`), l);
  }
});

test('every setting and command is described; the required settings exist', () => {
  const props = pkg.contributes.configuration.properties as Record<string, { description?: string; markdownDescription?: string }>;
  for (const [k, v] of Object.entries(props)) assert.ok((v.description ?? v.markdownDescription ?? '').length > 20, `${k} has a description`);
  for (const k of ['index.location', 'minTokens', 'minSimilarity', 'checkWhileTyping', 'debounceMs', 'exclude', 'severity.block', 'severity.attribution', 'severity.unknown', 'severity.ok']) {
    assert.ok(props[`memocheck.${k}`], k);
  }
  for (const c of pkg.contributes.commands) assert.ok(c.title && c.category === 'MemoCheck', c.command);
});

test('untrusted and virtual workspaces are declared as limited, with reasons', () => {
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.match(pkg.capabilities.untrustedWorkspaces.description, /hook/);
  assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, ['memocheck.index.location']);
  assert.equal(pkg.capabilities.virtualWorkspaces.supported, 'limited');
  const hook = pkg.contributes.commands.find((c: { command: string }) => c.command === 'memocheck.installHook');
  assert.equal(hook.enablement, 'isWorkspaceTrusted');
});

test('walkthrough media exist', () => {
  for (const w of pkg.contributes.walkthroughs) for (const s of w.steps) assert.ok(existsSync(path.join(root, s.media.markdown)), s.media.markdown);
});

test('.vscodeignore: the package holds the bundles, every grammar, the licence corpus, media and metadata, nothing else', () => {
  assert.ok(existsSync(path.join(root, 'dist', 'extension.js')), 'dist/extension.js is missing: run npm run build first (npm test does)');
  const files = execFileSync(process.execPath, [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' })
    .split('\n').map(s => s.trim()).filter(Boolean).sort();
  for (const f of ['dist/extension.js', 'dist/extension-worker.js', 'dist/worker.js', 'dist/decode-worker.js', 'dist/cli.js', 'dist/web-tree-sitter.wasm', 'dist/license-corpus.json', 'package.json', 'media/report.js', 'media/report.css']) {
    assert.ok(files.includes(f), `${f} is packaged`);
  }
  const grammars = files.filter(f => f.startsWith('dist/grammars/'));
  assert.equal(grammars.length, 12, 'the twelve grammar .wasm files');
  for (const v of pkg.contributes.jsonValidation) assert.ok(files.includes(v.url.replace(/^\.\//, '')), `${v.url} (JSON schema of ${v.fileMatch}) is packaged`);
  const stray = files.filter(f => !/^(dist\/[\w-]+\.(js|wasm)|dist\/license-corpus\.json|dist\/grammars\/[\w-]+\.wasm|media\/.+|schemas\/[\w-]+\.schema\.json|package\.json|README\.md|CHANGELOG\.md|LICENSE(\.md)?)$/.test(f));
  assert.deepEqual(stray, []);
});
