import { test } from 'node:test';
import assert from 'node:assert/strict';
import full from 'spdx-license-list/full';
import {
  debianLicense, debianMainLicense, debianStanzaFor, licenseFromClassifier, licenseFromName, normalizeExpression,
  parseCargoToml, parseComposerJson, parseDebianCopyright, parseGemspec, parseNuget, parsePackageJson, parsePkgInfo,
  parsePom, parsePyproject, parseSetupCfg, sameExpression, spdxHeader,
} from '../../src/core/license';
import { matchLicense } from '../../src/node/license';

const text = (id: string) => (full as Record<string, { licenseText: string }>)[id].licenseText;

test('expressions are validated and respelled', () => {
  assert.equal(normalizeExpression('mit or apache-2.0'), 'MIT OR Apache-2.0');
  assert.equal(normalizeExpression('GPL-2.0+'), 'GPL-2.0-or-later');
  assert.equal(normalizeExpression('LGPL-2.1'), 'LGPL-2.1-only');
  assert.equal(normalizeExpression('MIT/Apache-2.0'), 'MIT OR Apache-2.0');
  assert.equal(normalizeExpression('Apache 2'), undefined);
  assert.ok(sameExpression('MIT OR ISC', 'ISC OR MIT'));
  assert.ok(!sameExpression('MIT OR ISC', 'MIT AND ISC'));
});

test('names: certain ones map, open ones stay undefined', () => {
  assert.equal(licenseFromName('Apache License, Version 2.0'), 'Apache-2.0');
  assert.equal(licenseFromName('GPLv2+'), 'GPL-2.0-or-later');
  assert.equal(licenseFromName('GNU Lesser General Public License v2.1'), 'LGPL-2.1-only');
  assert.equal(licenseFromName('new BSD'), 'BSD-3-Clause');
  assert.equal(licenseFromName('Expat'), 'MIT');
  for (const open of ['BSD', 'GPL', 'LGPL', 'Apache', 'Dual License', 'GPL-2+ or Artistic']) assert.equal(licenseFromName(open), undefined, open);
  assert.equal(licenseFromClassifier('License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)'), 'GPL-3.0-or-later');
  assert.equal(licenseFromClassifier('License :: OSI Approved :: BSD License'), undefined);
});

test('licence texts: reflowed, re-copyrighted, markdown and bullets do not matter', () => {
  const mit = text('MIT');
  assert.equal(matchLicense(mit).license, 'MIT');
  const reflowed = mit.replace(/<year> <copyright holders>/, '2019-2024 Jane Doe and contributors').replace(/\s+/g, ' ').replace(/(.{1,60})( |$)/g, '$1\n');
  const m = matchLicense(reflowed);
  assert.equal(m.license, 'MIT');
  assert.ok(m.confidence >= 0.9, String(m.confidence));
  const markdown = `# The MIT Licence\n\n**Copyright © 2020 ACME Corp.**\n\n> ${mit.split('\n').slice(4).join('\n> ')}`;
  assert.equal(matchLicense(markdown).license, 'MIT');
  const bsd3 = text('BSD-3-Clause').replace(/^(\d)\. /gm, '  * ').replace(/the copyright holder/, 'Example Inc.');
  assert.equal(matchLicense(bsd3).license, 'BSD-3-Clause');
  assert.equal(matchLicense(text('BSD-2-Clause')).license, 'BSD-2-Clause');
  const apache = text('Apache-2.0');
  assert.equal(matchLicense(apache.slice(0, apache.indexOf('APPENDIX'))).license, 'Apache-2.0', 'appendix is optional');
  assert.equal(matchLicense(text('GPL-3.0-only').replace(/https:/g, 'http:')).license, 'GPL-3.0-only');
});

test('licence texts: unrelated or partial text is unknown, never a guess', () => {
  assert.equal(matchLicense('This is a README. Build with make. Licensed terms may apply.').license, 'unknown');
  const half = text('MIT').split(/\s+/).slice(0, 40).join(' ');
  const m = matchLicense(half);
  assert.ok(m.license === 'unknown' || m.confidence < 0.8, `${m.license} ${m.confidence}`);
});

test('licence texts: two licences in one file', () => {
  const dual = `This software is dual licensed; you may choose either of the following licenses.\n\n${text('MIT')}\n\n----\n\n${text('Apache-2.0')}`;
  assert.ok(sameExpression(matchLicense(dual).license, 'MIT OR Apache-2.0'), matchLicense(dual).license);
});

test('notices name GNU versions and later-version grants', () => {
  const n = matchLicense('This program is free software; you can redistribute it and/or modify it under the terms of the GNU General Public License as published by the Free Software Foundation; either version 2 of the License, or (at your option) any later version.');
  assert.equal(n.license, 'GPL-2.0-or-later');
  assert.equal(n.method, 'notice');
});

test('manifests', () => {
  assert.equal(parsePackageJson('{"license":"(MIT OR Apache-2.0)"}').license, 'MIT OR Apache-2.0');
  assert.deepEqual(parsePackageJson('{"license":"SEE LICENSE IN LICENSE.md"}'), { raw: 'SEE LICENSE IN LICENSE.md', licenseFile: 'LICENSE.md' });
  assert.equal(parsePackageJson('{"licenses":[{"type":"MIT"},{"type":"GPL-2.0"}]}').license, 'MIT OR GPL-2.0-only');
  assert.equal(parsePackageJson('{"license":"UNLICENSED"}').license, 'LicenseRef-Proprietary');
  assert.equal(parsePyproject('[project]\nname = "x"\nlicense = {text = "BSD-3-Clause"}\n').license, 'BSD-3-Clause');
  assert.equal(parsePyproject('[project]\nlicense = "MIT OR Apache-2.0"\n').license, 'MIT OR Apache-2.0');
  assert.equal(parsePyproject('[project]\nclassifiers = [\n  "License :: OSI Approved :: MIT License",\n  "Programming Language :: Python",\n]\n').license, 'MIT');
  assert.equal(parsePyproject('[tool.poetry]\nlicense = "Apache-2.0"\n').license, 'Apache-2.0');
  assert.equal(parseSetupCfg('[metadata]\nname = x\nclassifiers =\n    License :: OSI Approved :: Apache Software License\n    License :: OSI Approved :: MIT License\n').license, undefined, 'unversioned Apache classifier');
  assert.equal(parseSetupCfg('[metadata]\nlicense = BSD 3-Clause License\n').license, 'BSD-3-Clause');
  assert.equal(parsePkgInfo('Metadata-Version: 2.1\nName: x\nLicense: UNKNOWN\nClassifier: License :: OSI Approved :: ISC License (ISCL)\n\nbody').license, 'ISC');
  assert.equal(parsePkgInfo('Metadata-Version: 2.4\nLicense-Expression: MIT\n').license, 'MIT');
  assert.equal(parseCargoToml('[package]\nname = "x"\nlicense = "MIT/Apache-2.0"\n').license, 'MIT OR Apache-2.0');
  assert.equal(parseCargoToml('[package]\nlicense-file = "LICENSE.txt"\n').licenseFile, 'LICENSE.txt');
  assert.equal(parsePom('<project><licenses><license><name>The Apache Software License, Version 2.0</name></license></licenses></project>').license, 'Apache-2.0');
  assert.equal(parsePom('<project><licenses><license><name>whatever</name><url>https://www.eclipse.org/legal/epl-2.0/</url></license></licenses></project>').license, 'EPL-2.0');
  assert.equal(parseGemspec("Gem::Specification.new do |s|\n  s.licenses = ['MIT', 'Ruby']\nend").license, 'MIT OR Ruby');
  assert.equal(parseComposerJson('{"license":["LGPL-2.1-only","GPL-3.0-or-later"]}').license, 'LGPL-2.1-only OR GPL-3.0-or-later');
  assert.equal(parseNuget('<Project><PropertyGroup><PackageLicenseExpression>MIT</PackageLicenseExpression></PropertyGroup></Project>').license, 'MIT');
  assert.equal(parseNuget('<package><metadata><license type="expression">Apache-2.0 OR MIT</license></metadata></package>').license, 'Apache-2.0 OR MIT');
});

test('debian/copyright: stanzas, short names, last match wins', () => {
  assert.equal(debianLicense('GPL-2+ or Artistic'), 'GPL-2.0-or-later OR Artistic-1.0-Perl');
  assert.equal(debianLicense('LGPL-3+ or GPL-2+'), 'LGPL-3.0-or-later OR GPL-2.0-or-later');
  assert.equal(debianLicense('GPL-2+ with OpenSSL exception'), 'GPL-2.0-or-later');
  const cp = parseDebianCopyright([
    'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
    '',
    'Files: *',
    'Copyright: 2001 A',
    'License: Expat',
    '',
    'Files: lib/*',
    'Copyright: 2002 B',
    'License: GPL-2+',
    '',
    'Files: lib/vendored.c',
    'License: custom',
    '',
    'License: custom',
    ' Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated',
    ' documentation files (the "Software"), to deal in the Software without restriction',
  ].join('\n'));
  assert.equal(debianMainLicense(cp)?.license, 'MIT');
  assert.equal(debianStanzaFor(cp, 'lib/x.c')?.license, 'GPL-2.0-or-later');
  assert.equal(debianStanzaFor(cp, 'src/y.c')?.license, 'MIT');
  assert.equal(debianStanzaFor(cp, 'lib/vendored.c')?.license, undefined, 'unknown short name without a matcher');
  assert.equal(parseDebianCopyright('This is free-form text.\n').machineReadable, false);
});

test('SPDX-License-Identifier headers', () => {
  assert.equal(spdxHeader('// SPDX-License-Identifier: GPL-2.0+\nint x;'), 'GPL-2.0-or-later');
  assert.equal(spdxHeader('/* SPDX-License-Identifier: (MIT OR Apache-2.0) */\n'), 'MIT OR Apache-2.0');
  assert.equal(spdxHeader('#!/usr/bin/env python\n# SPDX-License-Identifier: BSD-3-Clause\n'), 'BSD-3-Clause');
  assert.equal(spdxHeader('<!-- SPDX-License-Identifier: MIT -->'), 'MIT');
  assert.equal(spdxHeader(`${'\n'.repeat(40)}// SPDX-License-Identifier: MIT`), undefined, 'only the first 30 lines');
  assert.equal(spdxHeader('// SPDX-License-Identifier: not a licence'), undefined);
});

test('detectRepoLicense combines manifests and texts on disk', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { detectRepoLicense } = await import('../../src/node/license');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'memocheck-lic-'));
  try {
    const mk = (name: string, files: Record<string, string>) => {
      const dir = path.join(root, name);
      fs.mkdirSync(dir);
      for (const [f, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), body);
      return dir;
    };
    const agree = await detectRepoLicense(mk('agree', { 'package.json': '{"license":"MIT"}', LICENSE: text('MIT') }));
    assert.deepEqual([agree.license, agree.source], ['MIT', 'package.json + LICENSE']);
    assert.ok(agree.confidence >= 0.95);
    const see = await detectRepoLicense(mk('see', { 'package.json': '{"license":"SEE LICENSE IN terms.txt"}', 'terms.txt': text('GPL-2.0-only') }));
    assert.equal(see.license, 'GPL-2.0-only');
    const rust = await detectRepoLicense(mk('rust', { 'LICENSE-MIT': text('MIT'), 'LICENSE-APACHE': text('Apache-2.0') }));
    assert.ok(sameExpression(rust.license, 'MIT OR Apache-2.0'), rust.license);
    const conflict = await detectRepoLicense(mk('conflict', { 'package.json': '{"license":"MIT"}', LICENSE: text('Apache-2.0') }));
    assert.equal(conflict.license, 'Apache-2.0');
    assert.ok(conflict.confidence < 0.8 && conflict.source.includes('package.json says MIT'), conflict.source);
    const none = await detectRepoLicense(mk('none', { 'README.md': '# hello' }));
    assert.deepEqual([none.license, none.confidence], ['unknown', 0]);
    const later = await detectRepoLicense(mk('later', { COPYING: text('GPL-2.0-only'), 'main.c': '/* This program is free software; you can redistribute it and/or modify\n * it under the terms of the GNU General Public License as published by\n * the Free Software Foundation; either version 2 of the License, or\n * (at your option) any later version. */\nint main(void) { return 0; }\n' }));
    assert.equal(later.license, 'GPL-2.0-or-later');
    await assert.rejects(detectRepoLicense(path.join(root, 'missing')), /missing: cannot read the folder/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
