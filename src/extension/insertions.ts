// Tracks the line ranges that arrived in one large insertion (an accepted completion, a chat edit, a paste),
// so findings on them can say so. Ranges follow later edits. Pure: no vscode import (unit-tested).

/** 0-based inclusive line range. */
export interface LineRange {
  start: number;
  end: number;
}

/** One text change as VS Code reports it, reduced to lines: the replaced range and the inserted text. */
export interface LineChange {
  startLine: number;
  endLine: number;
  text: string;
}

export function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Is this change one large insertion? At least `minChars` non-blank characters spread over 2+ lines. */
export function isLargeInsertion(change: LineChange, minChars: number): boolean {
  if (countNewlines(change.text) < 1) return false;
  return change.text.replace(/\s+/g, '').length >= minChars;
}

/**
 * Applies one change to the tracked ranges: ranges after it move by the line delta, ranges it touches are
 * clipped or dropped (they no longer hold the inserted text as it was).
 */
export function shiftRanges(ranges: readonly LineRange[], change: LineChange): LineRange[] {
  const delta = countNewlines(change.text) - (change.endLine - change.startLine);
  const out: LineRange[] = [];
  for (const r of ranges) {
    if (r.end < change.startLine) out.push(r);
    else if (r.start > change.endLine) out.push({ start: r.start + delta, end: r.end + delta });
    else if (change.startLine === change.endLine && countNewlines(change.text) === 0) out.push(r); // typing inside a line
    else {
      // the edit cuts into the range: keep the untouched parts
      if (r.start < change.startLine) out.push({ start: r.start, end: change.startLine - 1 });
      if (r.end > change.endLine) out.push({ start: change.endLine + 1 + delta, end: r.end + delta });
    }
  }
  return out;
}

/** The range the change inserted, after applying it. */
export function insertedRange(change: LineChange): LineRange {
  return { start: change.startLine, end: change.startLine + countNewlines(change.text) };
}

/** Does the 1-based inclusive finding [startLine, endLine] overlap any 0-based range? */
export function overlapsAny(ranges: readonly LineRange[], startLine: number, endLine: number): boolean {
  return ranges.some(r => r.start <= endLine - 1 && r.end >= startLine - 1);
}
