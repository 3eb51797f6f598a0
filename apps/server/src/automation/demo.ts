import { json } from '../db/schema.js';
import type { Executor } from '../repositories/jobs.js';
import demo from './demo.json' with { type: 'json' };
import { WeeklyScheduleSchema, type Action, type Conditions } from './rules.js';

/**
 * Two sample rules for the demo: escalation threats become urgent and alert a supervisor; a customer writing outside
 * business hours gets one acknowledgement in their language (canned replies from `demo.json`).
 */
export async function seedAutomationDemo(trx: Executor, createdBy: string | null): Promise<void> {
  const replies = new Map<string, string>();
  for (const reply of demo.cannedReplies) {
    const row = await trx
      .insertInto('canned_replies')
      .values({ short_code: reply.shortCode, title: reply.title, body: reply.body, locale: reply.locale, created_by: createdBy })
      .returning('id')
      .executeTakeFirstOrThrow();
    replies.set(reply.shortCode, row.id);
  }
  const schedule = WeeklyScheduleSchema.parse(demo.schedule);
  const zh = replies.get('after-hours-zh');
  const en = replies.get('after-hours-en');
  const rules: { name: string; conditions: Conditions; actions: Action[] }[] = [
    {
      name: '升级威胁：设为紧急并通知主管 / Escalation threat: urgent, notify a supervisor',
      conditions: { match: 'any', conditions: [{ type: 'risk', any: ['escalation_threat', 'threat'] }] },
      actions: [
        { type: 'set_priority', priority: 'urgent' },
        { type: 'add_tag', tags: ['escalation'] },
        { type: 'notify_supervisor', severity: 'critical', note: '客户提到投诉或威胁 / The customer threatens to escalate' },
      ],
    },
    {
      name: '非工作时间确认回复 / After-hours acknowledgement',
      conditions: {
        match: 'all',
        conditions: [
          { type: 'direction', in: ['incoming'] },
          { type: 'business_hours', inside: false, schedule },
          { type: 'tag', none: ['after-hours'] },
        ],
      },
      actions: [
        { type: 'add_tag', tags: ['after-hours'] },
        { type: 'send_canned_reply', ...(zh ? { zh } : {}), ...(en ? { en } : {}) },
      ],
    },
  ];
  for (const [position, rule] of rules.entries()) {
    await trx
      .insertInto('automation_rules')
      .values({
        name: rule.name,
        event: 'message.analyzed',
        conditions: json(rule.conditions),
        actions: json(rule.actions),
        position,
        created_by: createdBy,
      })
      .execute();
  }
}
