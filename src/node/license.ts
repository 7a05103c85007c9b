// Repository licence detection on disk: manifests, LICENSE/COPYING texts and debian/copyright, combined
// into one SPDX expression with a confidence. The matching itself is in src/core/license.
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  buildLicenseCorpus, debianMainLicense, debianStanzaFor, isManifest, licenseSection, licensesOf, matchLicenseText,
  noticeLicenses, parseDebianCopyright, parseManifest, projectLicenseFromSections, spdxHeader, UNKNOWN,
  type DebianCopyright, type LicenseCorpus, type LicenseReference, type LicenseText, type TextMatch,
} from '../core/license';

export type LicenseEvidence = 'manifest' | 'text' | 'debian';

export interface RepoLicense {
  /** SPDX expression or 'unknown' */
  license: string;
  /** where it came from: 'package.json', 'LICENSE', 'package.json + LICENSE', 'debian/copyright', ... */
  source: string;
  /** 0..1; 0.8 and above is "high" */
  confidence: number;
  /** per-path licences that differ from the repository's (debian/copyright stanzas): glob -> SPDX */
  files?: Record<string, string>;
}

export interface DetectOptions {
  /** which evidence to use (default all); the accuracy test restricts it to keep truth and guess apart */
  use?: readonly LicenseEvidence[];
}

/** Confidence at or above this is reported as certain. */
export const HIGH_CONFIDENCE = 0.8;

let corpus: LicenseCorpus | undefined;

/** The file the build writes beside the bundles (dist/), so a process reads the corpus instead of building it. */
export const LICENSE_CORPUS_FILE = 'license-corpus.json';
const CORPUS_FORMAT = 1;

/** What a corpus is built from: a precomputed one is used only when this matches. */
export function licenseCorpusSource(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const list = (require('spdx-license-list/package.json') as { version: string }).version;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ids = (require('spdx-license-ids/package.json') as { version: string }).version;
  return `format ${CORPUS_FORMAT}, spdx-license-list ${list}, spdx-license-ids ${ids}`;
}

/** Builds the corpus from the SPDX reference texts (spdx-license-list), ~0.6 s. */
export function buildSpdxCorpus(): LicenseCorpus {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const texts = require('spdx-license-list/full') as Record<string, LicenseText>;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const deprecated = require('spdx-license-ids/deprecated.json') as string[];
  return buildLicenseCorpus(texts, new Set(deprecated));
}

/**
 * The SPDX reference corpus, once per process: read from the file the build precomputed beside the bundle
 * (~0.6 s of CPU less for every command that detects a licence, the pre-commit review among them), or built
 * when there is none (running from sources) or it is from other package versions or unreadable.
 */
export function licenseCorpus(): LicenseCorpus {
  if (!corpus) corpus = readLicenseCorpus(path.join(__dirname, LICENSE_CORPUS_FILE)) ?? buildSpdxCorpus();
  return corpus;
}

interface CorpusFile {
  source: string;
  /** per reference: its ids and whether OSI approved (its trigrams are those the index lists it under) */
  references: { ids: string[]; osi: boolean }[];
  /** the inverted index (LicenseCorpus keys, starts, refs), little-endian, base64 */
  keys: string;
  starts: string;
  refs: string;
}

function toBase64(a: Uint32Array | Uint16Array): string {
  const bytes = Buffer.alloc(a.length * a.BYTES_PER_ELEMENT);
  for (let i = 0; i < a.length; i++) {
    if (a.BYTES_PER_ELEMENT === 4) bytes.writeUInt32LE(a[i]!, i * 4);
    else bytes.writeUInt16LE(a[i]!, i * 2);
  }
  return bytes.toString('base64');
}

function fromBase64<T extends Uint32Array | Uint16Array>(text: unknown, make: (n: number) => T): T | undefined {
  if (typeof text !== 'string') return undefined;
  const bytes = Buffer.from(text, 'base64');
  const out = make(0);
  const size = out.BYTES_PER_ELEMENT;
  if (bytes.length % size) return undefined;
  const a = make(bytes.length / size);
  for (let i = 0; i < a.length; i++) a[i] = size === 4 ? bytes.readUInt32LE(i * 4) : bytes.readUInt16LE(i * 2);
  return a;
}

/** The corpus as JSON, for licenseCorpus to read back. */
export function serializeLicenseCorpus(c: LicenseCorpus, source = licenseCorpusSource()): string {
  const file: CorpusFile = {
    source,
    references: c.references.map((r) => ({ ids: r.ids, osi: r.osi })),
    keys: toBase64(c.keys), starts: toBase64(c.starts), refs: toBase64(c.refs),
  };
  return JSON.stringify(file);
}

/** A corpus file's corpus, or undefined when it is missing, damaged or from other sources (then build one). */
export function readLicenseCorpus(file: string, source = licenseCorpusSource()): LicenseCorpus | undefined {
  let parsed: CorpusFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as CorpusFile;
  } catch {
    return undefined;
  }
  if (parsed?.source !== source || !Array.isArray(parsed.references)) return undefined;
  const keys = fromBase64(parsed.keys, (n) => new Uint32Array(n));
  const starts = fromBase64(parsed.starts, (n) => new Uint32Array(n));
  const refs = fromBase64(parsed.refs, (n) => new Uint16Array(n));
  // the index must fit the references: one start per key and one past the end, no reference out of range
  if (!keys || !starts || !refs || starts.length !== keys.length + 1 || starts[keys.length] !== refs.length) return undefined;
  const count = new Uint32Array(parsed.references.length);
  for (const i of refs) {
    if (i >= count.length) return undefined;
    count[i]!++;
  }
  // each reference's trigrams, ascending: the keys it is listed under, in key order
  const grams = Array.from(count, (n) => new Uint32Array(n));
  const filled = new Uint32Array(count.length);
  for (let k = 0; k < keys.length; k++) {
    for (let j = starts[k]!; j < starts[k + 1]!; j++) grams[refs[j]!]![filled[refs[j]!]!++] = keys[k]!;
  }
  const references: LicenseReference[] = [];
  for (const [i, r] of parsed.references.entries()) {
    if (!Array.isArray(r?.ids) || typeof r.osi !== 'boolean') return undefined;
    references.push({ ids: r.ids, grams: grams[i]!, osi: r.osi });
  }
  return { references, keys, starts, refs };
}

/** Licence of a text (LICENSE, COPYING, a licence paragraph). */
export function matchLicense(text: string): TextMatch {
  return matchLicenseText(licenseCorpus(), text);
}

/** A file's `SPDX-License-Identifier` header (first 30 lines), or undefined. */
export function fileLicenseHeader(text: string): string | undefined {
  return spdxHeader(text);
}

const LICENSE_FILE = /^(licen[cs]e|copying|unlicense|copyright|mit-license|licen[cs]e[-_.].*|copying[-_.v].*)(\.(md|txt|rst|markdown|adoc|html))?$/i;
const MANIFEST_ORDER = ['package.json', 'Cargo.toml', 'pyproject.toml', 'setup.cfg', 'PKG-INFO', 'METADATA', 'composer.json', 'pom.xml'];
const MAX_TEXT = 512 * 1024;

async function readText(file: string): Promise<string | undefined> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile() || stat.size > MAX_TEXT) return undefined;
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

function familyIds(expression: string): Set<string> {
  return new Set(licensesOf(expression).map((id) => id.replace(/-(only|or-later)$|\+$/, '')));
}

/** Same expression up to -only/-or-later (which texts alone cannot tell). */
function sameFamilies(a: string, b: string): boolean {
  const strip = (e: string) => e.replace(/-(only|or-later)\b|\+/g, '');
  return strip(a) === strip(b);
}

function subset(a: Set<string>, b: Set<string>): boolean {
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

interface Found {
  license: string;
  source: string;
  confidence: number;
}

/** Marker in the header notices: the source headers offer the licences as alternatives. */
const CHOICE = 'choice';
// "under the terms of either: * the LGPL ... or * the GPL ..." (GNU Nettle); not "either version 2 of the License"
const HEADER_CHOICE = /\b(?:terms of|under) either\b(?!\s+version)|\bdual[- ]licen[cs]ed\b|\bor both in parallel\b/i;

const BARE_LICENSE_FILE = /^(licen[cs]e|copying|unlicense|mit-license)(\.(md|txt|rst|markdown|adoc|html))?$/i;
const DUAL = /dual[- ]licen[cs]ed|dual licen[cs]e|at your (option|choice)|under either\b|terms of either\b/i;

async function fromTexts(dir: string, names: string[], notices: () => Promise<Set<string>>): Promise<Found | undefined> {
  const results: { file: string; match: TextMatch }[] = [];
  let bareUnknown = false;
  for (const name of names.filter((n) => LICENSE_FILE.test(n)).sort()) {
    if (/^copyright$/i.test(name) && names.includes('debian')) continue;
    const text = await readText(path.join(dir, name));
    if (!text) continue;
    // "X is available under the following license" + several licence sections: the project's terms are
    // the named one (the rest covers portions); read from the file's wording, so never high confidence
    const stated = BARE_LICENSE_FILE.test(name) ? projectLicenseFromSections(text, matchLicense) : undefined;
    const match = stated ? { ...stated, confidence: Math.min(stated.confidence, 0.75) } : matchLicense(text);
    if (match.license !== UNKNOWN) results.push({ file: name, match });
    else if (BARE_LICENSE_FILE.test(name)) bareUnknown = true;
  }
  // LICENSE/COPYING states the repository's terms; COPYING.LIB, LICENSE-docs, ... cover parts of it.
  const bare = results.filter((r) => BARE_LICENSE_FILE.test(r.file));
  if (bare.length === 0 && bareUnknown) return undefined;
  let pool = bare.length > 0 ? bare : results;
  if (pool.length === 0) return undefined;
  const distinct = () => [...new Set(pool.map((r) => r.match.license))];
  if (distinct().length > 1) {
    // The source headers name which of the shipped texts applies (COPYING + COPYING.LESSER of an LGPL library).
    const named = await notices();
    const families = (e: string) => [...familyIds(e)];
    const gnuOnly = pool.every((r) => licensesOf(r.match.license).every((id) => /^(A|L)?GPL-/.test(id)));
    const chosen = !gnuOnly ? [] : pool.filter((r) => families(r.match.license).some((f) => [...named].some((n) => families(n).includes(f))));
    if (chosen.length > 0 && chosen.length < pool.length) pool = chosen;
  }
  // An unidentified LICENSE next to an identified COPYING may add or offer other terms.
  const confidence = Math.min(...pool.map((r) => r.match.confidence), bareUnknown ? 0.5 : 1);
  const source = pool.map((r) => r.file).join(' + ');
  const licenses = distinct();
  if (licenses.length === 1) return { license: licenses[0], source, confidence };
  const readme = names.find((n) => /^readme/i.test(n));
  const readmeText = readme ? ((await readText(path.join(dir, readme))) ?? '') : '';
  // LICENSE-MIT + LICENSE-APACHE (the Rust convention) or a README that says so: alternatives.
  const alternatives = pool.every((r) => /^licen[cs]e[-_][a-z0-9.-]+?(\.(md|txt))?$/i.test(r.file)) || DUAL.test(readmeText) ||
    (await notices()).has(CHOICE);
  const joined = licenses.map((d) => (/\s/.test(d) ? `(${d})` : d)).join(alternatives ? ' OR ' : ' AND ');
  // Combining texts by file names or README wording is a heuristic: never high confidence.
  return { license: joined, source, confidence: Math.min(confidence, alternatives ? 0.75 : 0.6) };
}

/**
 * No licence file: a "License" section of the README (or doc/readme.html, where Lua keeps it) that
 * reproduces a licence text. Weaker evidence than a licence file: never high confidence.
 */
async function fromReadmeSection(dir: string, names: string[]): Promise<Found | undefined> {
  if (names.some((n) => BARE_LICENSE_FILE.test(n))) return undefined;
  const candidates = names.filter((n) => /^readme/i.test(n)).map((n) => n);
  for (const docDir of ['doc', 'docs']) {
    if (!names.includes(docDir)) continue;
    try {
      for (const n of await fs.readdir(path.join(dir, docDir))) if (/^readme/i.test(n)) candidates.push(`${docDir}/${n}`);
    } catch { /* not a folder */ }
  }
  for (const name of candidates) {
    const text = await readText(path.join(dir, name));
    const section = text ? licenseSection(text) : undefined;
    if (!section) continue;
    const m = matchLicense(section);
    if (m.license !== UNKNOWN && m.method === 'text') return { license: m.license, source: `${name} (License section)`, confidence: Math.min(m.confidence, 0.7) };
  }
  return undefined;
}

// a sentence that grants terms, as opposed to one that lists the licence files shipped
const GRANT = /\b(?:licen[cs]ed|released|distributed|available)\s+under\b/i;

/**
 * Licence files missing or not identifiable (prose pointing elsewhere): the README's own sentences that
 * say what is "licensed under" which licence (libtasn1: the library LGPL-2.1+, the tools GPL-3.0+). Each
 * part's terms apply: AND, unless the sentences offer a choice. Never high confidence.
 */
async function fromReadmeStatements(dir: string, names: string[]): Promise<Found | undefined> {
  for (const name of names.filter((n) => /^readme/i.test(n)).sort()) {
    const text = await readText(path.join(dir, name));
    if (!text) continue;
    const sentences = text.replace(/\s+/g, ' ').split(/(?<=[.;])\s+/).filter((x) => GRANT.test(x));
    const found: string[] = [];
    for (const sentence of sentences) for (const id of noticeLicenses(sentence)) if (!found.includes(id)) found.push(id);
    if (found.length === 0) continue;
    const choice = sentences.some((x) => HEADER_CHOICE.test(x));
    const license = found.map((d) => (/\s/.test(d) ? `(${d})` : d)).join(choice ? ' OR ' : ' AND ');
    return { license, source: `${name} (statements)`, confidence: 0.6 };
  }
  return undefined;
}

async function fromManifests(dir: string, names: string[]): Promise<Found | undefined> {
  const manifests = names.filter(isManifest).sort((a, b) => rank(a) - rank(b));
  for (const name of manifests) {
    const text = await readText(path.join(dir, name));
    if (!text) continue;
    let declared;
    try {
      declared = parseManifest(name, text);
    } catch {
      continue; // a broken manifest is no evidence; other sources may still tell
    }
    if (declared.license) return { license: declared.license, source: name, confidence: 0.9 };
    if (declared.licenseFile) {
      const body = await readText(path.join(dir, declared.licenseFile));
      if (!body) continue;
      const m = matchLicense(body);
      if (m.license !== UNKNOWN) return { license: m.license, source: `${name} -> ${declared.licenseFile}`, confidence: m.confidence };
    }
  }
  return undefined;
}

function rank(name: string): number {
  const i = MANIFEST_ORDER.indexOf(name);
  return i < 0 ? MANIFEST_ORDER.length : i;
}

async function readDebian(dir: string): Promise<DebianCopyright | undefined> {
  const text = await readText(path.join(dir, 'debian', 'copyright'));
  if (!text) return undefined;
  const parsed = parseDebianCopyright(text, (body) => {
    const m = matchLicense(body);
    return m.license !== UNKNOWN && m.confidence >= HIGH_CONFIDENCE ? m.license : undefined;
  });
  return parsed.machineReadable ? parsed : undefined;
}

/**
 * "GPL-2.0-only" from a bare COPYING text only says which text ships. The source headers or README say
 * whether later versions are allowed ("either version 2 of the License, or (at your option) any later
 * version"); when they agree on that, the licence is upgraded to -or-later.
 */
async function laterVersionNotice(dir: string, names: string[]): Promise<Set<string>> {
  const files = names.filter((n) => /^readme/i.test(n)).map((n) => path.join(dir, n));
  const sourceRe = /\.(c|h|cc|cpp|hpp|py|js|ts|java|go|rs|rb|php|cs|sh|pl|lua|y|l)$/;
  const queue = [dir];
  while (queue.length > 0 && files.length < 40) {
    const d = queue.shift()!;
    let entries;
    try {
      entries = await fs.readdir(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.') || e.name === 'debian' || e.name === 'node_modules') continue;
      if (e.isDirectory() && d.split(path.sep).length - dir.split(path.sep).length < 2) queue.push(path.join(d, e.name));
      else if (e.isFile() && sourceRe.test(e.name) && files.length < 40) files.push(path.join(d, e.name));
    }
  }
  const found = new Set<string>();
  for (const f of files) {
    let head: string;
    try {
      const handle = await fs.open(f, 'r');
      try {
        const buf = Buffer.alloc(6000);
        const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
        head = buf.subarray(0, bytesRead).toString('utf8');
      } finally {
        await handle.close();
      }
    } catch {
      continue;
    }
    const named = noticeLicenses(head);
    for (const n of named) found.add(n);
    if (named.length > 1 && HEADER_CHOICE.test(head.replace(/\s+/g, ' '))) found.add(CHOICE);
  }
  return found;
}

async function upgradeOnlyToLater(found: Found, notices: Set<string>): Promise<Found> {
  if (!/-only\b/.test(found.license)) return found;
  let license = found.license;
  for (const n of notices) {
    if (!n.endsWith('-or-later')) continue;
    const only = n.replace(/-or-later$/, '-only');
    if (license.includes(only) && !notices.has(only)) license = license.split(only).join(n);
  }
  return license === found.license ? found : { ...found, license, source: `${found.source} + headers` };
}

/**
 * Detects a repository's licence. Order of trust: a manifest's declaration confirmed by the licence text;
 * the licence text; the manifest alone; debian/copyright `Files: *`. Disagreeing manifest and text give the
 * text (it is what legally ships) with a lowered confidence. Nothing found is 'unknown'.
 */
export async function detectRepoLicense(dir: string, opts: DetectOptions = {}): Promise<RepoLicense> {
  const use = new Set(opts.use ?? ['manifest', 'text', 'debian']);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    throw new Error(`${dir}: cannot read the folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const manifest = use.has('manifest') ? await fromManifests(dir, names) : undefined;
  let notices: Promise<Set<string>> | undefined;
  const headerNotices = () => (notices ??= laterVersionNotice(dir, names));
  let text = use.has('text')
    ? await fromTexts(dir, names, headerNotices) ?? await fromReadmeSection(dir, names) ?? await fromReadmeStatements(dir, names)
    : undefined;
  // reading the source headers (up to 40 files) only when there is an -only licence to upgrade
  if (text && /-only\b/.test(text.license)) text = await upgradeOnlyToLater(text, await headerNotices());
  const debian = use.has('debian') && names.includes('debian') ? await readDebian(dir) : undefined;

  let result: Found | undefined;
  if (manifest && text) {
    const m = familyIds(manifest.license);
    const t = familyIds(text.license);
    if (subset(t, m)) result = { license: manifest.license, source: `${manifest.source} + ${text.source}`, confidence: Math.max(0.95, text.confidence) };
    else if (subset(m, t) && text.confidence >= HIGH_CONFIDENCE) result = { license: text.license, source: `${text.source} + ${manifest.source}`, confidence: text.confidence };
    else result = { license: text.license, source: `${text.source} (${manifest.source} says ${manifest.license})`, confidence: Math.min(text.confidence, 0.7) };
  } else {
    result = text ?? manifest;
  }
  const main = debian ? debianMainLicense(debian) : undefined;
  if (!result && main?.license) result = { license: main.license, source: 'debian/copyright', confidence: 0.9 };
  else if (result && main?.license && sameFamilies(result.license, main.license)) {
    result = { ...result, confidence: Math.max(result.confidence, 0.95), source: `${result.source} + debian/copyright` };
  }
  const out: RepoLicense = result
    ? { license: result.license, source: result.source, confidence: Math.round(result.confidence * 1000) / 1000 }
    : { license: UNKNOWN, source: 'none', confidence: 0 };
  if (debian) {
    const files: Record<string, string> = {};
    for (const s of debian.stanzas) {
      if (s.patterns.includes('*') || !s.license || s.license === out.license) continue;
      for (const p of s.patterns) if (!p.startsWith('debian/')) files[p] = s.license;
    }
    if (Object.keys(files).length > 0) out.files = files;
  }
  return out;
}

/** The licence of one file of a repository: its SPDX header, else a debian/copyright stanza, else undefined. */
export function fileLicense(relativePath: string, text: string, debian?: DebianCopyright): string | undefined {
  return spdxHeader(text) ?? (debian ? debianStanzaFor(debian, relativePath)?.license : undefined);
}
