import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Column<T> {
  header: string;
  align?: 'left' | 'right';
  value: (row: T) => string;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A GitHub-flavoured Markdown table. */
export function markdownTable<T>(columns: Column<T>[], rows: T[]): string {
  const header = `| ${columns.map((c) => cell(c.header)).join(' | ')} |`;
  const rule = `|${columns.map((c) => (c.align === 'right' ? ' ---: ' : ' --- ')).join('|')}|`;
  const body = rows.map((r) => `| ${columns.map((c) => cell(c.value(r))).join(' | ')} |`);
  return [header, rule, ...body].join('\n');
}

/** Integer with thin thousands separators: 12345 → "12,345". */
export function fmtInt(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  return Math.round(n).toLocaleString('en-US');
}

/** Milliseconds with a precision that suits the magnitude. */
export function fmtMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1) return ms.toFixed(3);
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

export function markers(section: string): { start: string; end: string } {
  return { start: `<!-- bench:${section}:start -->`, end: `<!-- bench:${section}:end -->` };
}

/**
 * Replaces the text between `<!-- bench:<section>:start -->` and `<!-- bench:<section>:end -->`
 * in `file`, leaving the rest of the document alone. Appends the markers at the end when the
 * section does not exist yet; creates the file (with `intro`) when it does not exist.
 */
export function writeSection(file: string, section: string, content: string, intro = ''): void {
  const { start, end } = markers(section);
  let doc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : intro;
  const block = `${start}\n${content.trim()}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i >= 0 && j > i) {
    doc = doc.slice(0, i) + block + doc.slice(j + end.length);
  } else {
    if (doc.length && !doc.endsWith('\n')) doc += '\n';
    doc += (doc.length ? '\n' : '') + block + '\n';
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, doc);
}
