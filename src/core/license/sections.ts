// Licence files and READMEs that are more than one licence text. Two shapes are read, both only when the
// file itself says which terms are the project's:
// - a LICENSE made of sections between separator lines, whose opening says "<project> is available under
//   the following license" before the first licence text (libevent): that text is the project's licence,
//   the later sections cover named portions;
// - a README (or doc/readme.html) with a "License" section that reproduces a licence text (Lua).
import { UNKNOWN } from './expression';
import type { TextMatch } from './text';

const SEPARATOR = /^\s*([=*_~#-])\1{4,}\s*$/;
const PROJECT_TERMS = /\b(?:is|are)\s+(?:available|distributed|licen[cs]ed|released|provided|offered)\b[^.:]{0,80}\bunder\s+(?:the\s+)?following\b/i;

export function splitSections(text: string): string[] {
  const sections: string[] = [];
  let current: string[] = [];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (SEPARATOR.test(line)) {
      if (current.join('').trim()) sections.push(current.join('\n'));
      current = [];
    } else current.push(line);
  }
  if (current.join('').trim()) sections.push(current.join('\n'));
  return sections;
}

/** The project's licence in a sectioned licence file, or undefined when the file does not say which. */
export function projectLicenseFromSections(text: string, match: (text: string) => TextMatch): TextMatch | undefined {
  const sections = splitSections(text);
  if (sections.length < 2) return undefined;
  let before = '';
  for (const s of sections) {
    const m = match(s);
    if (m.license !== UNKNOWN && m.method === 'text') {
      // the statement must come before the first licence text, in the file's own words
      return PROJECT_TERMS.test((before + '\n' + s.slice(0, 400)).replace(/\s+/g, ' ')) ? m : undefined;
    }
    before += '\n' + s;
  }
  return undefined;
}

const HEADING = /^(?:#{1,6}\s+.*|<h[1-6][^>]*>.*|[^\n]+\n[=-]{3,})$/im;

/** The text of a "License"/"Licence"/"Copying" section of a README (markdown, plain or HTML), if any. */
export function licenseSection(readme: string): string | undefined {
  const text = readme.replace(/\r\n?/g, '\n');
  const start = /^(?:#{1,6}\s*|<h[1-6][^>]*>(?:<a[^>]*>)?\s*)?(?:licen[cs]e|licensing|copying|copyright and licen[cs]e)\s*(?:<\/a>)?\s*(?:<\/h[1-6]>)?\s*:?\s*$/im.exec(text);
  if (!start) return undefined;
  let body = text.slice(start.index + start[0].length);
  const next = HEADING.exec(body.replace(/^\s*[=-]{3,}\n/, ''));
  if (next) body = body.slice(0, next.index + (body.length - body.replace(/^\s*[=-]{3,}\n/, '').length));
  body = body.slice(0, 8000)
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&copy;/gi, '(c)').replace(/&ndash;|&mdash;/gi, '-').replace(/&quot;/gi, '"').replace(/&amp;/gi, '&').replace(/&[a-z]+;/gi, ' ');
  return body.trim() ? body : undefined;
}
