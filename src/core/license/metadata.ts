// Licence fields of package manifests -> SPDX. Each parser takes the file's text and returns what the
// manifest declares; undefined fields mean "not declared or not certain". Several licences listed side by
// side (npm `licenses`, Cargo `MIT/Apache-2.0`, composer arrays, gemspec `licenses`) are alternatives: OR.
import { joinExpressions, normalizeExpression, PROPRIETARY } from './expression';
import { licenseFromClassifier, licenseFromName } from './names';

export interface DeclaredLicense {
  /** SPDX expression when certain */
  readonly license?: string;
  /** the manifest points at a file for the terms ("SEE LICENSE IN x", license-file, {file = x}) */
  readonly licenseFile?: string;
  /** what was written, for messages */
  readonly raw?: string;
}

/** The manifest names this module understands, by file name. */
export const MANIFESTS = ['package.json', 'pyproject.toml', 'setup.cfg', 'PKG-INFO', 'METADATA', 'Cargo.toml', 'pom.xml', 'composer.json'] as const;

export function isManifest(fileName: string): boolean {
  return (MANIFESTS as readonly string[]).includes(fileName) || /\.(gemspec|csproj|nuspec|fsproj|vbproj)$/.test(fileName);
}

export function parseManifest(fileName: string, text: string): DeclaredLicense {
  if (fileName === 'package.json') return parsePackageJson(text);
  if (fileName === 'composer.json') return parseComposerJson(text);
  if (fileName === 'pyproject.toml') return parsePyproject(text);
  if (fileName === 'Cargo.toml') return parseCargoToml(text);
  if (fileName === 'setup.cfg') return parseSetupCfg(text);
  if (fileName === 'PKG-INFO' || fileName === 'METADATA') return parsePkgInfo(text);
  if (fileName === 'pom.xml') return parsePom(text);
  if (fileName.endsWith('.gemspec')) return parseGemspec(text);
  if (/\.(csproj|nuspec|fsproj|vbproj)$/.test(fileName)) return parseNuget(text);
  return {};
}

function declared(raw: string | undefined, license: string | undefined, licenseFile?: string): DeclaredLicense {
  const out: { license?: string; licenseFile?: string; raw?: string } = {};
  if (license) out.license = license;
  if (licenseFile) out.licenseFile = licenseFile;
  if (raw) out.raw = raw;
  return out;
}

function jsonObject(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function typeOf(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (entry && typeof entry === 'object' && typeof (entry as { type?: unknown }).type === 'string') return (entry as { type: string }).type;
  return undefined;
}

/** A list of alternative licence names: all must be known, else undefined. */
function alternatives(names: (string | undefined)[]): string | undefined {
  if (names.length === 0 || names.some((n) => !n)) return undefined;
  const ids = names.map((n) => licenseFromName(n));
  if (ids.some((id) => !id)) return undefined;
  return joinExpressions(ids as string[], 'OR');
}

export function parsePackageJson(text: string): DeclaredLicense {
  const pkg = jsonObject(text);
  const field = pkg.license ?? pkg.licence;
  if (typeof field === 'string') {
    const see = /^SEE LICEN[CS]E IN\s+(.+)$/i.exec(field.trim());
    if (see) return declared(field, undefined, see[1].trim());
    if (field.trim().toUpperCase() === 'UNLICENSED') return declared(field, PROPRIETARY);
    return declared(field, licenseFromName(field));
  }
  const legacy = field !== undefined ? [field] : Array.isArray(pkg.licenses) ? pkg.licenses : pkg.licenses !== undefined ? [pkg.licenses] : [];
  if (legacy.length === 0) return {};
  const names = legacy.map(typeOf);
  return declared(names.join(' OR '), alternatives(names));
}

export function parseComposerJson(text: string): DeclaredLicense {
  const field = jsonObject(text).license;
  if (typeof field === 'string') {
    if (field.toLowerCase() === 'proprietary') return declared(field, PROPRIETARY);
    return declared(field, licenseFromName(field));
  }
  if (Array.isArray(field)) return declared(field.join(' OR '), alternatives(field.map((f) => (typeof f === 'string' ? f : undefined))));
  return {};
}

// --- TOML, only as much as manifests need: [table] headers, key = "string" | 'string' | { inline } | [array]

interface TomlValue {
  readonly text: string;
}

function tomlTables(text: string): Map<string, Map<string, TomlValue>> {
  const tables = new Map<string, Map<string, TomlValue>>();
  let current = new Map<string, TomlValue>();
  tables.set('', current);
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const header = /^\[([^\[\]]+)\]\s*(#.*)?$/.exec(line);
    if (header) {
      current = new Map();
      tables.set(header[1].trim().replace(/\s*\.\s*/g, '.').replace(/"/g, ''), current);
      continue;
    }
    const kv = /^([A-Za-z0-9_.-]+|"[^"]+")\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    let value = kv[2];
    // arrays, inline tables and multi-line strings may continue on the next lines
    const open = (s: string) => (s.match(/\[/g)?.length ?? 0) - (s.match(/\]/g)?.length ?? 0) + (s.match(/\{/g)?.length ?? 0) - (s.match(/\}/g)?.length ?? 0);
    if (value.startsWith('"""') || value.startsWith("'''")) {
      const q = value.slice(0, 3);
      while (value.indexOf(q, 3) < 0 && i + 1 < lines.length) value += `\n${lines[++i]}`;
    } else {
      while (open(stripStrings(value)) > 0 && i + 1 < lines.length) value += `\n${lines[++i]}`;
    }
    current.set(kv[1].replace(/"/g, ''), { text: value.trim() });
  }
  return tables;
}

function stripStrings(s: string): string {
  return s.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '""').replace(/#.*$/gm, '');
}

function tomlStrings(value: TomlValue | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  const re = /"""([\s\S]*?)"""|'''([\s\S]*?)'''|"((?:[^"\\]|\\.)*)"|'([^']*)'/g;
  for (let m = re.exec(value.text); m; m = re.exec(value.text)) out.push((m[1] ?? m[2] ?? m[3] ?? m[4]).replace(/\\"/g, '"'));
  return out;
}

function tomlInline(value: TomlValue | undefined, key: string): string | undefined {
  if (!value || !value.text.startsWith('{')) return undefined;
  const m = new RegExp(`\\b${key}\\s*=\\s*("((?:[^"\\\\]|\\\\.)*)"|'([^']*)')`).exec(value.text);
  return m ? (m[2] ?? m[3]) : undefined;
}

function fromClassifiers(classifiers: string[]): string | undefined {
  const ids = classifiers.filter((c) => c.startsWith('License ::')).map(licenseFromClassifier);
  if (ids.length === 0 || ids.some((id) => !id)) return undefined;
  return joinExpressions(ids as string[], 'OR');
}

export function parsePyproject(text: string): DeclaredLicense {
  const tables = tomlTables(text);
  const project = tables.get('project');
  const poetry = tables.get('tool.poetry');
  for (const table of [project, poetry]) {
    if (!table) continue;
    const lic = table.get('license');
    const expr = table.get('license-expression');
    if (expr) {
      const s = tomlStrings(expr)[0];
      return declared(s, s ? normalizeExpression(s) ?? licenseFromName(s) : undefined);
    }
    if (lic && !lic.text.startsWith('{')) {
      const s = tomlStrings(lic)[0];
      if (s) return declared(s, licenseFromName(s));
    }
    if (lic) {
      const file = tomlInline(lic, 'file');
      const inlineText = tomlInline(lic, 'text');
      if (inlineText && inlineText.length < 200) {
        const id = licenseFromName(inlineText);
        if (id) return declared(inlineText, id);
      }
      const fromTrove = fromClassifiers(tomlStrings(table.get('classifiers')));
      if (fromTrove) return declared('classifiers', fromTrove);
      if (file) return declared(`file = ${file}`, undefined, file);
      if (inlineText) return declared(inlineText.slice(0, 80), undefined);
    }
    const fromTrove = fromClassifiers(tomlStrings(table.get('classifiers')));
    if (fromTrove) return declared('classifiers', fromTrove);
  }
  return {};
}

export function parseCargoToml(text: string): DeclaredLicense {
  const pkg = tomlTables(text).get('package');
  if (!pkg) return {};
  const lic = tomlStrings(pkg.get('license'))[0];
  if (lic) return declared(lic, licenseFromName(lic));
  const file = tomlStrings(pkg.get('license-file'))[0];
  return file ? declared(`license-file = ${file}`, undefined, file) : {};
}

/** INI-style setup.cfg: [metadata] license / license_files / classifiers. */
export function parseSetupCfg(text: string): DeclaredLicense {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let section = '';
  const fields = new Map<string, string>();
  let current: string | undefined;
  for (const line of lines) {
    const header = /^\[([^\]]+)\]/.exec(line);
    if (header) {
      section = header[1].trim();
      current = undefined;
      continue;
    }
    if (section !== 'metadata') continue;
    const kv = /^([A-Za-z_-]+)\s*[=:]\s*(.*)$/.exec(line);
    if (kv) {
      current = kv[1].toLowerCase().replace(/-/g, '_');
      fields.set(current, kv[2].trim());
    } else if (current && /^\s+\S/.test(line)) {
      fields.set(current, `${fields.get(current)}\n${line.trim()}`);
    }
  }
  const lic = fields.get('license')?.trim();
  if (lic && !lic.startsWith('file:')) {
    const id = licenseFromName(lic);
    if (id) return declared(lic, id);
  }
  const trove = fromClassifiers((fields.get('classifiers') ?? '').split('\n').map((s) => s.trim()).filter(Boolean));
  if (trove) return declared('classifiers', trove);
  const file = lic?.startsWith('file:') ? lic.slice(5).trim() : fields.get('license_file')?.trim() || fields.get('license_files')?.split('\n').map((s) => s.trim()).filter(Boolean)[0];
  return declared(lic, undefined, file);
}

/** Python core metadata (PKG-INFO, METADATA): License-Expression, License, Classifier. */
export function parsePkgInfo(text: string): DeclaredLicense {
  const head = text.replace(/\r\n?/g, '\n').split(/\n\n/)[0];
  const field = (name: string) => [...head.matchAll(new RegExp(`^${name}:[ \\t]*(.*)$`, 'gim'))].map((m) => m[1].trim());
  const expr = field('License-Expression')[0];
  if (expr) return declared(expr, normalizeExpression(expr) ?? licenseFromName(expr));
  const lic = field('License')[0];
  if (lic && lic !== 'UNKNOWN') {
    const id = licenseFromName(lic);
    if (id) return declared(lic, id);
  }
  const trove = fromClassifiers(field('Classifier'));
  if (trove) return declared('classifiers', trove);
  return lic && lic !== 'UNKNOWN' ? declared(lic, undefined) : {};
}

function xmlText(s: string): string {
  return s.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').trim();
}

const LICENSE_URLS: [RegExp, string][] = [
  [/apache\.org\/licenses\/LICENSE-2\.0/i, 'Apache-2.0'],
  [/opensource\.org\/licenses\/MIT/i, 'MIT'],
  [/opensource\.org\/licenses\/BSD-3-Clause/i, 'BSD-3-Clause'],
  [/opensource\.org\/licenses\/BSD-2-Clause/i, 'BSD-2-Clause'],
  [/eclipse\.org\/legal\/epl-2\.0/i, 'EPL-2.0'],
  [/eclipse\.org\/legal\/epl-v10/i, 'EPL-1.0'],
  [/mozilla\.org\/MPL\/2\.0/i, 'MPL-2.0'],
  [/gnu\.org\/licenses\/gpl-3\.0/i, 'GPL-3.0-only'],
  [/gnu\.org\/licenses\/lgpl-3\.0/i, 'LGPL-3.0-only'],
  [/gnu\.org\/licenses\/old-licenses\/gpl-2\.0/i, 'GPL-2.0-only'],
  [/gnu\.org\/licenses\/old-licenses\/lgpl-2\.1/i, 'LGPL-2.1-only'],
];

/** Maven: every <license> in <licenses>; name first, URL as fallback; several are alternatives. */
export function parsePom(text: string): DeclaredLicense {
  const block = /<licenses>([\s\S]*?)<\/licenses>/.exec(text.replace(/<!--[\s\S]*?-->/g, ''));
  if (!block) return {};
  const ids: (string | undefined)[] = [];
  const raws: string[] = [];
  for (const m of block[1].matchAll(/<license>([\s\S]*?)<\/license>/g)) {
    const name = /<name>([\s\S]*?)<\/name>/.exec(m[1]);
    const url = /<url>([\s\S]*?)<\/url>/.exec(m[1]);
    const n = name ? xmlText(name[1]) : '';
    const u = url ? xmlText(url[1]) : '';
    raws.push(n || u);
    ids.push(licenseFromName(n) ?? LICENSE_URLS.find(([re]) => re.test(u))?.[1]);
  }
  if (ids.length === 0) return {};
  return declared(raws.join(' OR '), ids.every(Boolean) ? joinExpressions(ids as string[], 'OR') : undefined);
}

/** Ruby gemspec: `s.license = 'MIT'` or `spec.licenses = ['MIT', 'Apache-2.0']`. */
export function parseGemspec(text: string): DeclaredLicense {
  const single = /\.license\s*=\s*(["'])([^"']+)\1/.exec(text);
  if (single) return declared(single[2], licenseFromName(single[2]));
  const list = /\.licenses\s*=\s*(?:\[|%w\[|%w\()([^\])]*)[\])]/.exec(text);
  if (!list) return {};
  const names = list[1].includes('"') || list[1].includes("'")
    ? [...list[1].matchAll(/(["'])([^"']+)\1/g)].map((m) => m[2])
    : list[1].trim().split(/\s+/);
  return declared(names.join(' OR '), alternatives(names));
}

/** .NET: <PackageLicenseExpression>, nuspec <license type="expression|file">, legacy <licenseUrl>. */
export function parseNuget(text: string): DeclaredLicense {
  const expr = /<PackageLicenseExpression>([\s\S]*?)<\/PackageLicenseExpression>/i.exec(text)
    ?? /<license\s+type\s*=\s*["']expression["']\s*>([\s\S]*?)<\/license>/i.exec(text);
  if (expr) {
    const s = xmlText(expr[1]);
    return declared(s, normalizeExpression(s));
  }
  const file = /<PackageLicenseFile>([\s\S]*?)<\/PackageLicenseFile>/i.exec(text)
    ?? /<license\s+type\s*=\s*["']file["']\s*>([\s\S]*?)<\/license>/i.exec(text);
  if (file) return declared(xmlText(file[1]), undefined, xmlText(file[1]));
  const url = /<(?:PackageLicenseUrl|licenseUrl)>([\s\S]*?)<\/(?:PackageLicenseUrl|licenseUrl)>/i.exec(text);
  if (url) return declared(xmlText(url[1]), LICENSE_URLS.find(([re]) => re.test(xmlText(url[1])))?.[1]);
  return {};
}
