// Licence files with several sections, README licence sections and statements, copyright lines, and the
// BSD disclaimer's replaceable holder, on real texts from node_modules (lodash, spdx-license-list) and
// small hand-written ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { copyrightLines, licenseSection, projectLicenseFromSections, splitSections } from '../../src/core/license';
import { matchLicense } from '../../src/node/license';

const ROOT = path.resolve(__dirname, '../..');
const spdx = require('spdx-license-list/full') as Record<string, { licenseText: string }>;
const mit = spdx.MIT!.licenseText.replace('<year> <copyright holders>', '2020 Jane Doe');
const bsd3 = spdx['BSD-3-Clause']!.licenseText.replace('<year> <owner>', '2020 Jane Doe');

test('a sectioned licence file that states the project\'s terms gives that licence; without the statement, nothing', () => {
  const sep = '\n==============================\n';
  const file = 'Widget is available for use under the following license, commonly known as the 3-clause BSD license:' + sep + bsd3 + sep +
    'The timer code is based on code distributed under this license:\n\n' + mit + '\n';
  assert.equal(splitSections(file).length, 3);
  assert.equal(projectLicenseFromSections(file, matchLicense)?.license, 'BSD-3-Clause');
  const noStatement = 'Here are some licenses.' + sep + bsd3 + sep + mit;
  assert.equal(projectLicenseFromSections(noStatement, matchLicense), undefined);
});

test('the BSD disclaimer\'s holder is replaceable: "BY THE AUTHOR" does not turn BSD-3-Clause into a variant', () => {
  const authorWording = bsd3.replace(/COPYRIGHT HOLDERS AND CONTRIBUTORS/g, 'AUTHOR').replace(/COPYRIGHT HOLDER OR CONTRIBUTORS/g, 'AUTHOR');
  assert.notEqual(authorWording, bsd3);
  assert.equal(matchLicense(authorWording).license, 'BSD-3-Clause');
});

test('a README License section (markdown or HTML) is extracted up to the next heading', () => {
  const md = `# Tool\n\nDoes things.\n\n## License\n\n${mit}\n\n## Contributing\n\nSend patches.\n`;
  const section = licenseSection(md)!;
  assert.ok(section.includes('Permission is hereby granted'));
  assert.ok(!section.includes('Send patches'));
  assert.equal(matchLicense(section).license, 'MIT');
  const html = `<H2><A NAME="license">License</A></H2>\n<P>Tool is free software under the MIT license reproduced below.\n<BLOCKQUOTE>Copyright &copy; 2020 Jane Doe.\n<P>${mit.split('\n').slice(2).join('\n')}</BLOCKQUOTE>\n<H2>Changes</H2>\nnone`;
  const fromHtml = licenseSection(html)!;
  assert.ok(!/<|&copy;|Changes/.test(fromHtml), fromHtml);
  assert.equal(matchLicense(fromHtml).license, 'MIT');
  assert.equal(licenseSection('# Tool\n\nNo licence here.\n'), undefined);
});

test('copyright lines: real holders, not licence templates or prose', () => {
  assert.deepEqual(copyrightLines(readFileSync(path.join(ROOT, 'node_modules/lodash/LICENSE'), 'utf8')),
    ['Copyright OpenJS Foundation and other contributors <https://openjsf.org/>']);
  assert.deepEqual(copyrightLines(spdx.MIT!.licenseText), []);
  assert.deepEqual(copyrightLines(spdx['GPL-2.0-only']!.licenseText).filter((l) => !/Free Software Foundation/.test(l)), []);
  const header = '/*\n * Copyright (c) 2019 Jane Doe\n * Copyright (C) 2020-2021 ACME Corp.\n * copyright notice and this permission notice\n * Copyright (c) 2019 Jane Doe\n */\n';
  assert.deepEqual(copyrightLines(header), ['Copyright (c) 2019 Jane Doe', 'Copyright (C) 2020-2021 ACME Corp.']);
  assert.deepEqual(copyrightLines('# Copyright 2018 The Go Authors. All rights reserved.\n'), ['Copyright 2018 The Go Authors. All rights reserved.']);
});
