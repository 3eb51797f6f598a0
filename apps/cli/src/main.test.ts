import { existsSync, readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { runCli, tempFile } from './test/run-cli.js';

const EXAMPLES = 'examples/conversations.jsonl';
const DATA = '../shared/data';

describe('tongli analyze', () => {
  it('prints a readable report of the bundled examples', async () => {
    const { code, stdout } = await runCli(['analyze', EXAMPLES]);
    expect(code).toBe(0);
    expect(stdout).toContain('24');
    expect(stdout).toMatch(/王磊|Mike/);
  });

  it('writes JSON where every conversation has its id and every message its emotion, signals and techniques', async () => {
    const { code, stdout } = await runCli(['analyze', EXAMPLES, '--format', 'json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as {
      conversations: {
        id: string;
        messages: {
          role: string;
          emotion?: string;
          intensity?: number;
          signals: unknown[];
          techniques: { id: string; span: { start: number } }[];
        }[];
        qa: { total: number; points: { evidence: unknown[] }[] };
      }[];
      summary: { totals: { conversations: number } };
    };
    expect(doc.conversations).toHaveLength(24);
    expect(doc.summary.totals.conversations).toBe(24);
    for (const c of doc.conversations) {
      expect(c.id).toBeTruthy();
      for (const m of c.messages) {
        expect(Array.isArray(m.signals)).toBe(true);
        expect(Array.isArray(m.techniques)).toBe(true);
        if (m.role === 'customer') {
          expect(m.emotion).toBeTypeOf('string');
          expect(m.intensity).toBeTypeOf('number');
        }
      }
    }
    const all = doc.conversations.flatMap((c) => c.messages.flatMap((m) => m.techniques.map((t) => t.id)));
    expect(all).toContain('non_apology');
    expect(all).toContain('acknowledge_emotion');
  });

  it('reads the CSV export and writes CSV', async () => {
    const { code, stdout } = await runCli(['analyze', 'examples/conversations.csv', '--format', 'csv']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^id,agent,lang,messages,qa_total/);
    expect(lines.length).toBe(7);
  });

  it('decodes a GBK file and says so', async () => {
    const csv = 'conversation_id,role,text\nc1,customer,我已经打了三次电话了，你们到底管不管！\nc1,agent,非常理解您的心情，我来负责跟进\n';
    const file = tempFile('gbk.csv', iconv.encode(csv, 'gbk'));
    const { code, stdout, stderr } = await runCli(['analyze', file, '--format', 'json']);
    expect(code).toBe(0);
    expect(stderr).toContain('GB18030');
    const doc = JSON.parse(stdout) as { conversations: { messages: { techniques: { id: string }[] }[] }[] };
    expect(doc.conversations[0]?.messages[1]?.techniques.map((t) => t.id)).toContain('acknowledge_emotion');
  });

  it('reads UTF-16 with a BOM and CSV with a broken quote, skipping only the broken record', async () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('conversation_id,role,text\nu1,customer,谢谢，问题解决了\n', 'utf16le'),
    ]);
    const a = await runCli(['analyze', tempFile('utf16.csv', utf16), '--format', 'csv']);
    expect(a.code).toBe(0);
    expect(a.stdout.trim().split('\n')).toHaveLength(2);
    const broken = 'conversation_id,role,text\nb1,customer,"fine"\nb2,customer,"bad"quote"\nb3,agent,ok\n';
    const b = await runCli(['analyze', tempFile('broken.csv', broken), '--format', 'csv']);
    expect(b.code).toBe(0);
    expect(b.stderr).toMatch(/broken\.csv:\d+: /);
    expect(b.stdout).toContain('b1');
    expect(b.stdout).toContain('b3');
  });

  it('skips malformed lines with file and line, processes the rest and reports the count', async () => {
    const good = readFileSync(EXAMPLES, 'utf8').split('\n').slice(0, 2).join('\n');
    const noId = '{"turns": [{"role": "customer", "text": "hi"}]}';
    const file = tempFile('mixed.jsonl', `${good}\n{not json\n{"id": "x", "turns": "oops"}\n${noId}\n\n`);
    const { code, stderr, stdout } = await runCli(['analyze', file]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/mixed\.jsonl:3: not valid JSON/);
    expect(stderr).toMatch(/mixed\.jsonl:4: turns/);
    expect(stderr).toMatch(/mixed\.jsonl:5: id: missing/);
    expect(stderr).toContain('3 rows skipped');
    expect(stdout).toContain('2');
  });

  it('exits 2 with a one-line reason when nothing usable was read', async () => {
    const bad = await runCli(['analyze', tempFile('bad.jsonl', '{oops\n[1,2]\n')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/nothing usable was read \(2 rows skipped\)/);
    const empty = await runCli(['analyze', tempFile('empty.jsonl', '')]);
    expect(empty.code).toBe(2);
    const binary = await runCli(['analyze', tempFile('bin.jsonl', new Uint8Array([0x7b, 0, 1, 2, 0xff, 0xfe, 0]))]);
    expect(binary.code).toBe(2);
    expect(binary.stderr).toMatch(/binary/);
    const missing = await runCli(['analyze', tempFile('cols.csv', 'id,speaker,message\n1,customer,hi\n')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cols\.csv: missing column conversation_id, role/);
    const nofile = await runCli(['analyze', 'does-not-exist.jsonl']);
    expect(nofile.code).toBe(2);
    expect(nofile.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('maps JSONL roles like the CSV reader and reports turns with unknown roles', async () => {
    const row = JSON.stringify({
      id: 'r1',
      turns: [
        { role: 'user', text: '等了三天了' },
        { role: 'operator', text: '给您带来的不便深表歉意，这个没办法' },
        { role: 'system', text: 'chat closed' },
      ],
    });
    const { code, stdout, stderr } = await runCli(['analyze', tempFile('roles.jsonl', `${row}\n`), '--format', 'json']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/unknown role "system" left out/);
    const doc = JSON.parse(stdout) as { conversations: { messages: { role: string; techniques: { id: string }[] }[] }[] };
    const messages = doc.conversations[0]?.messages ?? [];
    expect(messages.map((m) => m.role)).toEqual(['customer', 'agent']);
    expect(messages[1]?.techniques.map((t) => t.id)).toContain('non_apology');
  });

  it('escapes spreadsheet formulas in CSV output and fails early on an unwritable --out', async () => {
    const row = JSON.stringify({ id: '=HYPERLINK("http://x","y")', agent: '@SUM(1+1)', turns: [{ role: 'customer', text: 'hi' }] });
    const csv = await runCli(['analyze', tempFile('formula.jsonl', `${row}\n`), '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(csv.stdout).not.toMatch(/^=HYPERLINK/m);
    expect(csv.stdout).not.toMatch(/,@SUM/);
    const out = await runCli(['analyze', EXAMPLES, '--format', 'html', '--out', '/nonexistent/dir/report.html']);
    expect(out.code).toBe(2);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(/cannot write/);
  });

  it('refuses an invalid scorecard file before reading the input', async () => {
    const card = tempFile(
      'card.json',
      JSON.stringify({
        id: 'x',
        name: { zh: 'x', en: 'x' },
        criteria: [
          { id: 'c', name: { zh: 'c', en: 'c' }, weight: 1, applicable: 'always', base: 0, rules: [{ any: ['greeting'], effect: 1 }] },
        ],
      }),
    );
    const r = await runCli(['analyze', EXAMPLES, '--scorecard', card]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/reason must be/);
  });

  it('renders hostile customer text safely in the HTML report', async () => {
    const row = JSON.stringify({
      id: '<b>x</b>',
      agent: '<img src=x onerror=alert(1)>',
      turns: [
        { role: 'customer', text: '<script>alert(1)</script> 你们太差劲了！！' },
        { role: 'agent', text: '给您带来的不便深表歉意' },
      ],
    });
    const out = tempFile('report.html', '');
    const { code } = await runCli(['analyze', tempFile('hostile.jsonl', `${row}\n`), '--format', 'html', '--out', out]);
    expect(code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;');
  });

  it('uses an organisation guidelines file', async () => {
    expect((await runCli(['analyze', EXAMPLES, '--guidelines', 'examples/guidelines.json'])).code).toBe(0);
    const guidelines = tempFile(
      'ours.json',
      JSON.stringify({ dontSay: [{ phrase: 'We apologize for any inconvenience', rewrite: 'I am sorry we let you down' }] }),
    );
    const { code, stdout } = await runCli(['analyze', EXAMPLES, '--format', 'json', '--guidelines', guidelines]);
    expect(code).toBe(0);
    expect(stdout).toContain('"id":"guideline_violation"');
    expect(stdout).toContain('I am sorry we let you down');
    const plain = await runCli(['analyze', EXAMPLES, '--format', 'json']);
    expect(plain.stdout).not.toContain('guideline_violation');
    const bad = await runCli(['analyze', EXAMPLES, '--guidelines', tempFile('g.json', '{oops')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/guidelines file is not valid JSON/);
  });
});

describe('tongli predict', () => {
  it('writes one JSON line per row with id, label and score', async () => {
    const rows = [
      '{"id":"a","text":"气死我了，第三次打电话了！！！"}',
      '{"id":"b","text":"太感谢了，问题解决了"}',
      '{"id":"c","text":"Thanks so much, you saved my day!"}',
    ].join('\n');
    const { code, stdout } = await runCli(['predict', 'emotion', tempFile('rows.jsonl', rows)]);
    expect(code).toBe(0);
    const out = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; label: string; score: number });
    expect(out.map((o) => o.id)).toEqual(['a', 'b', 'c']);
    expect(['anger', 'frustration']).toContain(out[0]?.label);
    expect(out[1]?.label).toBe('satisfaction');
    expect(out[2]?.label).toBe('satisfaction');
  });

  it('predicts every task', async () => {
    const text = tempFile(
      't.jsonl',
      '{"id":"1","text":"That must be so hard. What happened next?","context":"I lost my job today and I feel awful"}\n',
    );
    for (const task of ['sentiment', 'abuse', 'strategy']) {
      const { code, stdout } = await runCli(['predict', task, text]);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ id: '1' });
    }
    const empathy = JSON.parse((await runCli(['predict', 'empathy', text])).stdout) as Record<string, number>;
    expect(empathy.emotional_reactions).toBeGreaterThan(0);
    expect(empathy.explorations).toBeGreaterThan(0);
    const dialogue = tempFile(
      'd.jsonl',
      '{"id":"d","turns":[{"role":"customer","text":"refund still not here!!"},{"role":"agent","text":"I am so sorry, I have processed it now."},{"role":"customer","text":"Great, thank you so much!"}]}\n',
    );
    const sat = JSON.parse((await runCli(['predict', 'satisfaction', dialogue])).stdout) as { label: string };
    expect(['satisfied', 'neutral', 'dissatisfied']).toContain(sat.label);
  });

  it('rejects an unknown task with exit 2', async () => {
    const { code, stderr } = await runCli(['predict', 'mood', EXAMPLES]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/TASK must be one of/);
  });
});

describe.runIf(existsSync(`${DATA}/tasks.json`))('tongli eval', () => {
  it('scores the test rows of a set with the tasks.json mapping', async () => {
    const { code, stdout } = await runCli(['eval', 'sentiment', `${DATA}/zh_sentiment_waimai.jsonl`, '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as {
      task: string;
      n: number;
      accuracy: number;
      macroF1: number;
      perLabel: Record<string, unknown>;
      msgsPerSec: number;
    };
    expect(r.task).toBe('sentiment');
    expect(r.n).toBeGreaterThan(500);
    expect(Object.keys(r.perLabel).sort()).toEqual(['negative', 'positive']);
    expect(r.macroF1).toBeGreaterThan(0.5);
    expect(r.msgsPerSec).toBeGreaterThan(0);
  });
});

describe('tongli train', () => {
  it('learns a centre’s own labelled rows and the model is used with --model', async () => {
    const lines = [
      ['配送员太磨叽了', 'negative'],
      ['磨叽半天才送到', 'negative'],
      ['真磨叽', 'negative'],
      ['小哥很利索', 'positive'],
      ['送得利索', 'positive'],
      ['利索，点赞', 'positive'],
    ].flatMap(([text, label], i) => [0, 1, 2].map((k) => JSON.stringify({ id: `${i}-${k}`, text: `${text}${'!'.repeat(k)}`, label })));
    const data = tempFile('ours.jsonl', `${lines.join('\n')}\n`);
    const model = tempFile('ours-model.json', '');
    const trained = await runCli(['train', 'sentiment', data, '--out', model, '--seed', '3']);
    expect(trained.code).toBe(0);
    expect(trained.stderr).toMatch(/trained sentiment on 18 rows/);
    const file = JSON.parse(readFileSync(model, 'utf8')) as { format: string; version: number; task: string };
    expect(file).toMatchObject({ format: 'tongli-model', version: 1, task: 'sentiment' });
    const row = tempFile('q.jsonl', '{"id":"q","text":"太磨叽了"}\n');
    const plain = JSON.parse((await runCli(['predict', 'sentiment', row, '--no-default-models'])).stdout) as { label: string };
    const learned = JSON.parse((await runCli(['predict', 'sentiment', row, '--model', model])).stdout) as { label: string };
    expect(plain.label).not.toBe('negative');
    expect(learned.label).toBe('negative');
  });

  it('learns strategy from agent turns labelled inside whole dialogues, once per turn id', async () => {
    const asks = ['What happened next?', 'How did that make you feel?', 'When did it start?'];
    const suggests = ['Maybe try talking to your manager.', 'You could write it down first.', 'Try a short walk each day.'];
    const dialogues = [0, 1, 2, 3].map((d) =>
      JSON.stringify({
        id: `d${d}`,
        turns: [
          { role: 'customer', text: 'I feel stuck at work.' },
          { role: 'agent', text: asks[d % 3], strategy: 'Question' },
          { role: 'customer', text: 'It has been weeks.' },
          { role: 'agent', text: suggests[d % 3], strategy: 'Providing Suggestions' },
          { role: 'agent', text: 'Hmm.', strategy: 'Direct Guidance' },
        ],
      }),
    );
    const dialogueFile = tempFile('turns.jsonl', `${dialogues.join('\n')}\n`);
    // The same turn cut out as a reply row (as the ESConv strategy set does): read once. Another text under the same id is kept.
    const replies = [
      { id: 'd0-t001', text: asks[0], label: 'Question' },
      { id: 'd0-t001', text: 'Which day suits you best?', label: 'Question' },
    ];
    const rowFile = tempFile('replies.jsonl', `${replies.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const map = tempFile(
      'strategy-map.json',
      JSON.stringify({ strategy: { product_to_class: { open_question: 'Question', suggestion: 'Providing Suggestions' }, sets: {} } }),
    );
    const model = tempFile('strategy-model.json', '');
    const trained = await runCli(['train', 'strategy', dialogueFile, rowFile, '--map', map, '--out', model, '--seed', '3']);
    expect(trained.code).toBe(0);
    expect(trained.stderr).toMatch(/trained strategy on 9 rows \(Providing Suggestions, Question\)/);
    expect(trained.stderr).toMatch(/1 rows repeat the id and text of a row already read/);
    expect(trained.stderr).toMatch(/dialogue d0: strategy "Direct Guidance" is not one of/);
    const q = tempFile('strategy-q.jsonl', `${JSON.stringify({ id: 'q', text: 'Maybe try a walk.' })}\n`);
    const predicted = JSON.parse((await runCli(['predict', 'strategy', q, '--model', model])).stdout) as { label: string };
    expect(predicted.label).toBe('suggestion');
  });

  it('refuses unknown labels and unusable model files', async () => {
    const bad = tempFile('bad-labels.jsonl', '{"id":"1","text":"x","label":"meh"}\n{"id":"2","text":"y","label":"bah"}\n');
    const r = await runCli(['train', 'sentiment', bad, '--out', tempFile('m.json', '')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a sentiment label/);
    const notModel = tempFile('not-model.json', '{"hello":1}');
    const p = await runCli(['predict', 'sentiment', tempFile('r.jsonl', '{"id":"1","text":"x"}\n'), '--model', notModel]);
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/not a Tongli model file/);
  });
});

describe('tongli coach', () => {
  it('lists every technique with span and confidence, and hints with rewrites', async () => {
    const { code, stdout } = await runCli([
      'coach',
      '给您带来的不便深表歉意，这个没办法',
      '--customer',
      '我等了三天了，气死我了！！',
      '--json',
    ]);
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as {
      techniques: { id: string; span: { start: number; end: number }; confidence: number }[];
      hints: { id: string; kind: string; rewrite?: string }[];
    };
    expect(r.techniques.map((t) => t.id)).toEqual(expect.arrayContaining(['non_apology', 'blunt_no']));
    for (const t of r.techniques) expect(t.confidence).toBeGreaterThan(0);
    expect(r.hints.find((h) => h.id === 'non_apology')?.rewrite).toBeTruthy();
    expect(r.hints.find((h) => h.id === 'blunt_no')?.rewrite).toBeTruthy();
    expect(r.hints.some((h) => h.kind === 'do' && h.id === 'acknowledge_emotion')).toBe(true);
  });

  it('keeps a clear rule reading of the customer when the shipped models are loaded', async () => {
    const r = await runCli([
      'coach',
      'Sorry for any inconvenience.',
      '--customer',
      "I've called three times and nobody fixes my internet!!! I'll report you to the FCC.",
      '--json',
    ]);
    const out = JSON.parse(r.stdout) as { customer: { emotion: string; model?: { emotion?: { label: string } } } };
    expect(['anger', 'frustration']).toContain(out.customer.emotion);
    expect(out.customer.model?.emotion?.label).toBeTypeOf('string');
  });

  it('prints readable hints and refuses an empty draft', async () => {
    const ok = await runCli(['coach', "That's not possible, it's policy.", '--customer', 'This is the third time I call!!!']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('blunt_no');
    expect(ok.stdout).toMatch(/try: /);
    expect((await runCli(['coach', ''])).code).toBe(2);
  });
});

describe('usage', () => {
  it('answers unknown commands and options with exit 2', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    expect((await runCli(['analyze', EXAMPLES, '--bogus'])).code).toBe(2);
    expect((await runCli(['analyze', EXAMPLES, '--format', 'pdf'])).code).toBe(2);
    expect((await runCli(['--help'])).code).toBe(0);
  });
});
