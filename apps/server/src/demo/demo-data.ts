import { SIGNALS } from '@tongli/engine';
import { z } from 'zod';
import raw from './scenarios.json' with { type: 'json' };

/** Text in both demo languages; each list holds variants the seeder picks from. */
const VariantsSchema = z.object({
  zh: z.array(z.string().min(1)).min(1),
  en: z.array(z.string().min(1)).min(1),
});

const KeySchema = z.string().regex(/^[a-z][a-z0-9_.]*$/, 'lower-case key');

export const ScenarioSchema = z.object({
  id: KeySchema,
  /** Team that handles the Chinese conversations (English ones go to the team for `en`). */
  team: KeySchema,
  /** Relative frequency among the demo conversations. */
  weight: z.number().positive(),
  priority: z.enum(['low', 'normal', 'high', 'urgent']),
  tags: z.array(z.string().min(1)),
  /** Safety or escalation signals this scenario is meant to show (documentation; the engine finds them). */
  signals: z.array(z.enum(SIGNALS)).optional(),
  subject: z.object({ zh: z.string().min(1), en: z.string().min(1) }),
  customer: z.object({
    opening: VariantsSchema,
    /** Follow-up after an empathetic reply. */
    calmer: VariantsSchema,
    /** Follow-up after a poor reply. */
    angrier: VariantsSchema,
    thanks: VariantsSchema,
    curt: VariantsSchema,
  }),
  agent: z.object({
    /** Acknowledge, apologise with ownership, concrete next step with a time. */
    good: VariantsSchema,
    /** Blunt no, blame, jargon, non-apology, rushing. */
    poor: VariantsSchema,
    closingGood: VariantsSchema,
    closingPoor: VariantsSchema,
  }),
});
export type Scenario = z.infer<typeof ScenarioSchema>;

const GuidelinesSchema = z.object({
  doSay: z.array(z.object({ phrase: z.string().min(1), lang: z.enum(['zh', 'en']), technique: z.string().min(1) })),
  dontSay: z.array(z.object({ phrase: z.string().min(1), lang: z.enum(['zh', 'en']), rewrite: z.string().min(1) })),
  glossary: z.array(z.object({ term: z.string().min(1), plain: z.string().min(1), lang: z.enum(['zh', 'en']) })),
});

export const DemoDataSchema = z
  .object({
    organisation: z.object({
      emailDomain: z.string().regex(/^[a-z0-9.-]+\.[a-z]+$/),
      teams: z.array(z.object({ key: KeySchema, name: z.string().min(1), languages: z.array(z.enum(['zh', 'en'])).min(1) })).min(1),
      staff: z
        .array(
          z.object({
            key: KeySchema,
            role: z.enum(['admin', 'supervisor', 'qa', 'agent']),
            name: z.string().min(1),
            locale: z.enum(['zh-CN', 'en']),
            teams: z.array(KeySchema),
            /** Chance that an agent's reply is the empathetic one (agents only). */
            skill: z.number().min(0).max(1).optional(),
            skills: z.array(z.string()).optional(),
          }),
        )
        .min(1),
      inboxes: z
        .array(
          z.object({
            key: KeySchema,
            channel: z.enum(['web', 'email', 'api', 'import']),
            name: z.string().min(1),
            team: KeySchema.nullable(),
            settings: z.record(z.string(), z.unknown()),
          }),
        )
        .min(1),
    }),
    cannedReplies: z.array(
      z.object({
        shortCode: z.string().regex(/^[a-z0-9-]+$/),
        locale: z.enum(['zh-CN', 'en']),
        title: z.string().min(1),
        body: z.string().min(1),
      }),
    ),
    guidelines: GuidelinesSchema,
    names: z.object({
      zhSurnames: z.array(z.string().min(1)).min(1),
      zhGiven: z.array(z.string().min(1)).min(1),
      enFirst: z.array(z.string().min(1)).min(1),
      enLast: z.array(z.string().min(1)).min(1),
      zhTitles: z.object({ female: z.string().min(1), male: z.string().min(1) }),
    }),
    repeatOpeners: VariantsSchema,
    scenarios: z.array(ScenarioSchema).min(1),
  })
  .superRefine((data, ctx) => {
    const teams = new Set(data.organisation.teams.map((t) => t.key));
    const check = (team: string | null, path: (string | number)[]): void => {
      if (team !== null && !teams.has(team)) ctx.addIssue({ code: 'custom', path, message: `unknown team ${team}` });
    };
    data.organisation.staff.forEach((s, i) => s.teams.forEach((t, j) => check(t, ['organisation', 'staff', i, 'teams', j])));
    data.organisation.inboxes.forEach((inbox, i) => check(inbox.team, ['organisation', 'inboxes', i, 'team']));
    data.scenarios.forEach((s, i) => check(s.team, ['scenarios', i, 'team']));
    for (const lang of ['zh', 'en'] as const) {
      if (!data.organisation.teams.some((t) => t.languages.includes(lang))) {
        ctx.addIssue({ code: 'custom', path: ['organisation', 'teams'], message: `no team handles ${lang}` });
      }
    }
    for (const team of data.organisation.teams) {
      const agents = data.organisation.staff.filter((s) => s.role === 'agent' && s.teams.includes(team.key));
      if (agents.length === 0) ctx.addIssue({ code: 'custom', path: ['organisation', 'teams'], message: `team ${team.key} has no agent` });
      if (agents.some((a) => a.skill === undefined)) {
        ctx.addIssue({ code: 'custom', path: ['organisation', 'staff'], message: `agents of ${team.key} need a skill` });
      }
    }
    const ids = data.scenarios.map((s) => s.id);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['scenarios'], message: 'scenario ids must be unique' });
  });
export type DemoData = z.infer<typeof DemoDataSchema>;

let parsed: DemoData | undefined;

/**
 * The demo organisation and its scenarios, read from `scenarios.json` and validated once.
 * @example
 * const { scenarios } = loadDemoData();
 */
export function loadDemoData(): DemoData {
  parsed ??= DemoDataSchema.parse(raw);
  return parsed;
}
