import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { csvField } from '../analytics/overview.js';
import { METRIC_COLUMNS, type MetricColumn, type MetricRow, type MetricsTable } from './compute.js';
import labels from './labels.json' with { type: 'json' };
import type { GroupBy } from './repository.js';

export type Lang = 'zh' | 'en';

/** Columns shown as percentages in the workbook. */
const RATE_COLUMNS: ReadonlySet<MetricColumn> = new Set(['fcrRate', 'turnaroundRate', 'abusiveRate']);

/** The header row: the group's id and name, then every metric, in the language asked for. */
export function metricHeaders(groupBy: GroupBy, lang: Lang): string[] {
  return [labels.columns.key[lang], labels.columns[groupBy][lang], ...METRIC_COLUMNS.map((c) => labels.columns[c][lang])];
}

/** A row's cells in header order; the totals row is keyed `*`. */
function cells(row: MetricRow, total: boolean, lang: Lang): (string | number | null)[] {
  return [
    total ? '*' : (row.key ?? ''),
    total ? labels.columns.total[lang] : row.key === null ? labels.report.unassigned[lang] : row.name,
    ...METRIC_COLUMNS.map((c) => row[c]),
  ];
}

/**
 * A text cell made safe for spreadsheets: one that starts like a formula (`= + - @`, tab, carriage return) gets a
 * leading apostrophe, so it is shown as text and never evaluated.
 * @example
 * defuse('=HYPERLINK("http://x")'); // "'=HYPERLINK(\"http://x\")"
 */
export function defuse(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * The metrics table as CSV: UTF-8 with BOM (spreadsheets then read Chinese right), localised header, one line per
 * group, the totals last; formula-like text defused, fields quoted where needed.
 * @example
 * toMetricsCsv(table, 'agent', 'en'); // '\uFEFFID,Agent,Conversations,…'
 */
export function toMetricsCsv(table: MetricsTable, groupBy: GroupBy, lang: Lang): string {
  const lines = [metricHeaders(groupBy, lang), ...table.rows.map((row) => cells(row, false, lang)), cells(table.totals, true, lang)].map(
    (r) => r.map(csvField).join(','),
  );
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/**
 * The metrics table as an XLSX workbook, written as a stream (rows are committed as they are added, so memory stays
 * flat however many rows there are). Text cells are defused like the CSV's; rates carry a percent format.
 * @example
 * return c.body(streamMetricsXlsx(table, 'day', 'zh'), 200, { 'content-type': XLSX_TYPE });
 */
export function streamMetricsXlsx(table: MetricsTable, groupBy: GroupBy, lang: Lang, sheetName = 'metrics'): ReadableStream<Uint8Array> {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName);
  const headers = metricHeaders(groupBy, lang);
  sheet.columns = headers.map((header, i) => ({
    header: defuse(header),
    width: i < 2 ? 24 : 16,
    ...(i >= 2 && RATE_COLUMNS.has(METRIC_COLUMNS[i - 2] as MetricColumn) ? { style: { numFmt: '0.0%' } } : {}),
  }));
  const add = (row: MetricRow, total: boolean): void => {
    const values = cells(row, total, lang).map((value) => (typeof value === 'string' ? defuse(value) : value));
    const added = sheet.addRow(values);
    if (total) added.font = { bold: true };
    added.commit();
  };
  for (const row of table.rows) add(row, false);
  add(table.totals, true);
  sheet.commit();
  workbook.commit().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
