// Makes the integration-test fixtures in <work>/ at test time (nothing third-party is committed):
//   upstream/  a "licensed upstream repository": real lodash sources copied from node_modules (MIT)
//   ws/        the workspace VS Code opens, with its own settings
//   fixture.json  what the tests need to know (paths)
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const work = path.resolve(process.argv[2] ?? '');
if (!process.argv[2]) { console.error('usage: node fixtures.mjs <work dir>'); process.exit(2); }
const ws = path.join(work, 'ws');
mkdirSync(path.join(ws, '.vscode'), { recursive: true });
writeFileSync(path.join(ws, 'hello.js'), 'const x = 1;\n');
writeFileSync(path.join(work, 'fixture.json'), JSON.stringify({ work, ws }, null, 2));
