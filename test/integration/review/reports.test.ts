// Review reports from a real staged change (a GPL copy from GNU bc and an MIT copy from lodash): SARIF
// validated against the official SARIF 2.1.0 schema (shipped by the pinned @microsoft/jest-sarif package),
// and the HTML report opened in headless Debian Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { chromium, type Browser } from 'playwright-core';
import { nodeModule, requireBuild } from '../../helpers/cli';
import { extractFunction, renamed } from '../../helpers/copies';
import { buildIndex, gitEnv, gitOk, memocheck, mitProject, ownCode, tmpDir } from './fixture';

const work = tmpDir('memocheck-reports-');
const env = gitEnv(work);
const lodash = nodeModule('lodash');
const HOSTILE = '</pre><script>document.title="pwned"</script><img src=x onerror=alert(1)>';
let index = '';
let repo = '';

// MEMOCHECK_KEEP_TMP=1 keeps the repositories (and the report screenshot) for a look
after(() => { if (!process.env.MEMOCHECK_KEEP_TMP) rmSync(work, { recursive: true, force: true }); });

before(async () => {
  requireBuild();
  const built = buildIndex(work, lodash);
  index = built.index;
  repo = mitProject(path.join(work, 'project'), env);
  const sub = await extractFunction(readFileSync(path.join(built.bc, 'lib', 'number.c'), 'utf8'), 'c', 'bc_sub');
  writeFileSync(path.join(repo, 'calc.c'), '#include <stdio.h>\n\n' + (await renamed(sub.text, 'c')) + '\n');
  const uniq = await extractFunction(readFileSync(path.join(lodash, '_baseUniq.js'), 'utf8'), 'javascript', 'baseUniq');
  // a comment inside the copy (comments do not change the match) carries markup the report must escape
  const lines = (await renamed(uniq.text, 'javascript')).split('\n');
  lines.splice(3, 0, `  // ${HOSTILE}`);
  writeFileSync(path.join(repo, 'uniq.js'), ownCode('route') + '\n' + lines.join('\n') + '\n');
  gitOk(repo, env, 'add', 'calc.c', 'uniq.js');
});

describe('SARIF', () => {
  test('is valid SARIF 2.1.0 with one rule per verdict and the original as a related location', () => {
    const r = memocheck(repo, env, 'review', '--staged', '--index', index, '--format', 'sarif');
    assert.equal(r.code, 1, r.stderr);
    const log = JSON.parse(r.stdout);
    const schemaFile = path.join(nodeModule('@microsoft/jest-sarif'), 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
    // the official schema has a pattern that is not valid in unicode mode
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const valid = (x: unknown): boolean => validate(x);
    assert.ok(valid(log), JSON.stringify(validate.errors, null, 1));

    const run = log.runs[0];
    const ruleIds = run.tool.driver.rules.map((x: { id: string }) => x.id);
    assert.deepEqual(ruleIds, ['memocheck/license-block', 'memocheck/license-attribution', 'memocheck/license-unknown', 'memocheck/license-ok']);
    const byFile = new Map(run.results.map((x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => [x.locations[0]!.physicalLocation.artifactLocation.uri, x]));
    const gpl = byFile.get('calc.c') as { ruleId: string; ruleIndex: number; level: string; relatedLocations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[]; properties: { license: string } };
    assert.equal(gpl.ruleId, 'memocheck/license-block');
    assert.equal(ruleIds[gpl.ruleIndex], gpl.ruleId);
    assert.equal(gpl.level, 'error');
    assert.match(gpl.relatedLocations[0]!.physicalLocation.artifactLocation.uri, /bc\/lib\/number\.c$/);
    assert.ok(gpl.relatedLocations[0]!.physicalLocation.region.startLine > 1);
    assert.match(gpl.properties.license, /^GPL-/);
    const mit = byFile.get('uniq.js') as { ruleId: string; level: string };
    assert.equal(mit.ruleId, 'memocheck/license-attribution');
    assert.equal(mit.level, 'warning');

    // the validator does reject a broken log
    const broken = structuredClone(log);
    broken.runs[0].results[0].level = 'fatal';
    delete broken.version;
    assert.equal(valid(broken), false);
  });
});

describe('HTML', () => {
  let browser: Browser;
  before(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => { await browser?.close(); });

  test('a standalone report with charts and escaped code opens without console errors and shows the findings', async () => {
    const file = path.join(work, 'report.html');
    const r = memocheck(repo, env, 'review', '--staged', '--index', index, '--format', 'html', '--output', file);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /2 finding\(s\), 1 blocking; report written to/);
    const html = readFileSync(file, 'utf8');
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-[^']+'; script-src 'sha256-[^']+';/);
    assert.ok(!/\b(src|href)="https?:/.test(html), 'no external resources');
    assert.ok(!html.includes(HOSTILE), 'code is escaped');

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); void d.dismiss(); });
    await page.goto('file://' + file);

    assert.equal(await page.title(), 'MemoCheck licence review');
    const rows = page.locator('tr.finding');
    assert.equal(await rows.count(), 2);
    const text = await page.locator('table').innerText();
    assert.match(text, /calc\.c:\d+–\d+/);
    assert.match(text, /bc\/lib\/number\.c:\d+-\d+/);
    assert.match(text, /lodash\/_baseUniq\.js:\d+-\d+/);
    assert.match(text, /GPL-/);
    assert.match(text, /MIT/);
    assert.equal(await page.locator('svg[aria-label="Findings by licence and verdict"] rect[fill="#c62828"]').count() >= 1, true);
    assert.equal(await page.locator('svg[aria-label="Similarity histogram"] rect').count() >= 2, true);

    // the side-by-side comparison shows the escaped markup as text
    await page.locator('tr.f-attribution summary').click();
    assert.ok((await page.locator('tr.f-attribution pre').first().innerText()).includes(HOSTILE));
    // the (hash-allowed) script works: unticking "blocks" hides the blocking row
    await page.locator('input[data-verdict="block"]').uncheck();
    assert.equal(await page.locator('tr.f-block').isVisible(), false);
    assert.equal(await page.locator('tr.f-attribution').isVisible(), true);
    await page.locator('input[data-verdict="block"]').check();

    await page.screenshot({ path: path.join(work, 'review-report.png'), fullPage: true });
    assert.deepEqual(problems, []);
    assert.equal(await page.title(), 'MemoCheck licence review', 'no injected script ran');
    await page.close();
  });
});
