// Writes the extension's parts of package.json (contributes, activationEvents, capabilities and the
// extension's npm scripts). Re-reads the file right before writing and keeps every other key as it is,
// because teammates edit other parts. Run: node test/integration/vscode/update-manifest.js
const fs = require('fs');
const path = require('path');
const file = path.join(__dirname, '..', '..', '..', 'package.json');

const LANGS = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'python', 'java', 'c', 'cpp', 'csharp', 'go', 'rust', 'ruby', 'php'];
const cmd = (id, title, extra = {}) => ({ command: `memocheck.${id}`, title, category: 'MemoCheck', ...extra });
const severity = (verdict, dflt, what) => ({
  type: 'string', enum: ['error', 'warning', 'information', 'hint', 'off'], default: dflt,
  markdownDescription: `Diagnostic severity for findings whose licence verdict is \`${verdict}\` (${what}). \`off\` hides them in the editor (they stay in reports).`,
});

const contributes = {
  commands: [
    cmd('scanWorkspace', 'Scan Workspace', { icon: '$(search)' }),
    cmd('scanFile', 'Scan Current File'),
    cmd('indexRepository', 'Index a Repository…', { icon: '$(add)' }),
    cmd('removeRepository', 'Remove a Repository from the Index…'),
    cmd('showIndexInfo', 'Show Index Information'),
    cmd('showReport', 'Show Report', { icon: '$(graph)' }),
    cmd('exportReport', 'Export Report (HTML, JSON, SARIF)…'),
    cmd('reviewStaged', 'Review Staged Changes', { enablement: 'isWorkspaceTrusted' }),
    cmd('installHook', 'Install the Pre-commit Hook', { enablement: 'isWorkspaceTrusted' }),
    cmd('showLog', 'Show Log'),
    cmd('compareWithOriginal', 'Compare with the Original'),
    cmd('openOriginal', 'Open the Original'),
    cmd('copyAttribution', 'Copy Attribution Notice'),
    cmd('acceptFinding', 'Accept Finding with Justification…'),
    cmd('ignoreRepository', 'Ignore Source Repository'),
  ],
  menus: {
    commandPalette: ['compareWithOriginal', 'openOriginal', 'copyAttribution', 'acceptFinding', 'ignoreRepository']
      .map(c => ({ command: `memocheck.${c}`, when: 'false' }))
      .concat([{ command: 'memocheck.scanFile', when: 'editorIsOpen' }]),
    'view/title': [
      { command: 'memocheck.scanWorkspace', when: 'view == memocheck.findings', group: 'navigation@1' },
      { command: 'memocheck.showReport', when: 'view == memocheck.findings', group: 'navigation@2' },
      { command: 'memocheck.indexRepository', when: 'view == memocheck.findings', group: 'navigation@3' },
    ],
    'explorer/context': [
      { command: 'memocheck.scanWorkspace', when: 'explorerResourceIsFolder', group: 'memocheck@1' },
      { command: 'memocheck.scanFile', when: '!explorerResourceIsFolder', group: 'memocheck@1' },
    ],
  },
  viewsContainers: { activitybar: [{ id: 'memocheck', title: 'MemoCheck', icon: 'media/memocheck.svg' }] },
  views: { memocheck: [{ id: 'memocheck.findings', name: 'Findings', icon: 'media/memocheck.svg', contextualTitle: 'MemoCheck' }] },
  viewsWelcome: [
    { view: 'memocheck.findings', contents: 'No findings yet. MemoCheck compares your code with the open-source repositories you index.\n[Index a Repository](command:memocheck.indexRepository)\n[Scan Workspace](command:memocheck.scanWorkspace)' },
  ],
  configuration: {
    title: 'MemoCheck',
    properties: {
      'memocheck.index.location': {
        type: 'string', default: '', scope: 'machine-overridable',
        markdownDescription: 'Where the index lives: a folder path (the embedded index; `${workspaceFolder}` and `~` are expanded, relative paths start at the first workspace folder) or a `postgres://` URL for a shared team index. Empty: `index` in the extension\'s global storage.',
      },
      'memocheck.minTokens': { type: ['integer', 'null'], default: null, minimum: 10, markdownDescription: 'Minimum size of a finding in normalized tokens on both sides (identifiers, literals, keywords and punctuation; comments and whitespace do not count). Empty: the engine default (50).' },
      'memocheck.minSimilarity': { type: ['number', 'null'], default: null, minimum: 0.05, maximum: 1, markdownDescription: 'Minimum similarity (0–1) of a finding to its original. Empty: the engine default (0.6).' },
      'memocheck.checkWhileTyping': { type: 'boolean', default: true, description: 'Check open documents while typing (debounced). When off, documents are checked on open, on save and after a large insertion (completion, chat edit, paste).' },
      'memocheck.debounceMs': { type: 'integer', default: 500, minimum: 0, maximum: 10000, description: 'Milliseconds without typing before an open document is checked again.' },
      'memocheck.largeInsertionChars': { type: 'integer', default: 80, minimum: 1, description: 'A single multi-line change with at least this many non-blank characters counts as one insertion (an accepted completion, a chat edit, a paste): it is checked at once and its findings say so.' },
      'memocheck.exclude': {
        type: 'array', items: { type: 'string' },
        default: ['**/node_modules/**', '**/bower_components/**', '**/vendor/**', '**/third_party/**', '**/.git/**', '**/dist/**', '**/build/**', '**/out/**', '**/target/**', '**/.venv/**', '**/venv/**', '**/__pycache__/**', '**/*.min.js'],
        markdownDescription: 'Glob patterns workspace scans skip, in addition to `files.exclude` and `.gitignore`.',
      },
      'memocheck.ignoredRepositories': { type: 'array', items: { type: 'string' }, default: [], description: 'Indexed repositories whose matches are not reported in this workspace (the code action "Ignore repository" adds to this list).' },
      'memocheck.severity.block': severity('block', 'error', 'copyleft licence incompatible with the project'),
      'memocheck.severity.attribution': severity('attribution', 'warning', 'permissive licence: a notice is required'),
      'memocheck.severity.unknown': severity('unknown', 'warning', 'the licence of the original is not known'),
      'memocheck.severity.ok': severity('ok', 'information', 'the licence allows reuse without conditions'),
    },
  },
  walkthroughs: [{
    id: 'memocheck.start', title: 'Get started with MemoCheck',
    description: 'Find code that reproduces licensed open-source code before it ships.',
    steps: [
      { id: 'index', title: 'Index the code you care about', description: 'MemoCheck compares your code with repositories you index: clones of popular libraries, your company\'s licensed code, anything on disk.\n[Index a Repository](command:memocheck.indexRepository)', media: { markdown: 'media/walkthrough/index.md' }, completionEvents: ['onCommand:memocheck.indexRepository'] },
      { id: 'inline', title: 'Write code: warnings appear inline', description: 'Open or paste code. A near-copy of indexed code (verbatim, renamed or modified) is underlined on exactly the copied lines, with the source, its licence and quick fixes.', media: { markdown: 'media/walkthrough/inline.md' }, completionEvents: ['onLanguage:javascript', 'onLanguage:python'] },
      { id: 'scan', title: 'Scan the whole workspace', description: 'Scan every source file (respecting files.exclude and .gitignore) and review the findings by licence.\n[Scan Workspace](command:memocheck.scanWorkspace)', media: { markdown: 'media/walkthrough/scan.md' }, completionEvents: ['onCommand:memocheck.scanWorkspace'] },
      { id: 'hook', title: 'Review before each commit', description: 'Install a git pre-commit hook that blocks commits adding code whose licence is incompatible.\n[Install the Pre-commit Hook](command:memocheck.installHook)', media: { markdown: 'media/walkthrough/hook.md' }, completionEvents: ['onCommand:memocheck.installHook'] },
    ],
  }],
};

const capabilities = {
  untrustedWorkspaces: {
    supported: 'limited',
    description: 'Checking documents and scanning work in untrusted workspaces. Reviewing staged changes and installing the pre-commit hook run git and write .git/hooks, so they need trust; the index location cannot be set by an untrusted workspace.',
    restrictedConfigurations: ['memocheck.index.location'],
  },
  virtualWorkspaces: {
    supported: 'limited',
    description: 'In virtual workspaces only open documents are checked; workspace scans, accepting findings and the pre-commit hook need files on disk.',
  },
};

const activationEvents = [...LANGS.map(l => `onLanguage:${l}`), 'onWebviewPanel:memocheck.report', 'workspaceContains:.memocheck.json', 'workspaceContains:.memocheck-accepted.json'];

const scripts = {
  package: 'node esbuild.mjs --production && vsce package --no-dependencies --skip-license --out out/memocheck.vsix',
  'test:vscode': 'bash .ci/run-integration.sh',
  'test:ui': 'bash .ci/run-integration.sh --ui',
  'bench:extension': 'bash .ci/run-integration.sh --bench',
};

const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
pkg.activationEvents = activationEvents;
pkg.contributes = contributes;
pkg.capabilities = capabilities;
pkg.scripts = { ...pkg.scripts, ...scripts };
fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
console.log('package.json: contributes, activationEvents, capabilities and extension scripts written');
