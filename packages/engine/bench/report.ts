/** Plain tables for the benchmarks, rendered as padded text (terminal) or as Markdown (README). */

export interface Table {
  title: string;
  header: string[];
  rows: string[][];
  notes: string[];
}

/** Three decimals, or a dash when there is no figure. @example formatFigure(0.74) // '0.740' */
export function formatFigure(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(3);
}

/** Signed change, blank when there is no baseline. @example formatDelta(0.012) // '+0.012' */
export function formatDelta(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '';
  const rounded = Math.round(x * 1000) / 1000;
  return rounded === 0 ? '±0' : `${rounded > 0 ? '+' : ''}${rounded.toFixed(3)}`;
}

const width = (s: string) => [...s].length;

/**
 * Left-aligned first column, right-aligned figures.
 *
 * @example renderText({ title: 'x', header: ['set', 'F1'], rows: [['a', '0.500']], notes: [] });
 */
export function renderText(table: Table): string {
  const all = [table.header, ...table.rows];
  const widths = table.header.map((_, c) => Math.max(...all.map((row) => width(row[c] ?? ''))));
  const line = (row: string[]) =>
    row
      .map((cell, c) => {
        const pad = ' '.repeat((widths[c] ?? 0) - width(cell));
        return c === 0 ? cell + pad : pad + cell;
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [table.title, '', line(table.header), rule, ...table.rows.map(line), ...(table.notes.length ? ['', ...table.notes] : [])].join(
    '\n',
  );
}

const escapeCell = (s: string) => s.replaceAll('|', '\\|');

/** A `##` section with a GitHub table and its notes as a list. */
export function renderMarkdown(table: Table): string {
  const row = (cells: string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  const align = table.header.map((_, c) => (c === 0 ? '---' : '---:'));
  return [
    `## ${table.title}`,
    '',
    row(table.header),
    `| ${align.join(' | ')} |`,
    ...table.rows.map(row),
    ...(table.notes.length ? ['', ...table.notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
}
