import type { AgentContext } from '@tongli/engine';
import { createCliAnalyzer, type EngineFiles } from '../engine.js';
import { usageError } from '../errors.js';

export interface CoachOptions {
  draft: string;
  customer?: string;
  name?: string;
  json: boolean;
  files: EngineFiles;
}

const MARK = { good: '✓', harmful: '✗', neutral: '·' } as const;
const KIND = { alert: '!', avoid: '✗', do: '→', praise: '✓' } as const;

/** `tongli coach "draft"`: the hints an agent would see while typing, or every technique found with --json. */
export function runCoach(options: CoachOptions, io: { stdout: NodeJS.WritableStream }): number {
  if (options.draft.trim() === '') throw usageError('coach needs a draft: tongli coach "your reply" [--customer "their message"]');
  const analyzer = createCliAnalyzer(options.files);
  const context: AgentContext = {};
  if (options.customer !== undefined) context.customer = options.customer;
  if (options.name) context.customerName = options.name;
  const result = analyzer.coach(options.draft, context);
  if (options.json) {
    io.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  }
  const zh = result.lang !== 'en';
  const lines: string[] = [];
  if (result.customer) {
    lines.push(
      `${zh ? '客户' : 'Customer'}: ${result.customer.emotion} (${Math.round(result.customer.intensity * 100)}%)${result.customer.signals.length ? ` · ${[...new Set(result.customer.signals.map((s) => s.id))].join(', ')}` : ''}`,
    );
  }
  lines.push(`${zh ? '草稿同理心得分' : 'Draft empathy score'}: ${result.empathyScore > 0 ? '+' : ''}${result.empathyScore}`);
  for (const t of result.techniques) lines.push(`  ${MARK[t.polarity]} ${t.id.padEnd(24)} “${t.text.replace(/\s+/g, ' ').slice(0, 60)}”`);
  if (result.hints.length > 0) lines.push(zh ? '提示:' : 'Hints:');
  for (const h of result.hints) {
    if (h.kind === 'praise') continue;
    lines.push(`  ${KIND[h.kind]} [${h.id}] ${h.message}`);
    if (h.rewrite) lines.push(`      ${zh ? '改为' : 'try'}: ${h.rewrite}`);
  }
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
