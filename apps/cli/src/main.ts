import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError, usageError } from './errors.js';
import type { EngineFiles } from './engine.js';
import { runAnalyze } from './commands/analyze.js';
import { runBench } from './commands/bench.js';
import { runCoach } from './commands/coach.js';
import { runEval } from './commands/evaluate.js';
import { runImport } from './commands/import.js';
import { parseTask, runPredict } from './commands/predict.js';
import { runTrain } from './commands/train.js';
import { runServe } from './commands/serve.js';

const HELP = `tongli — empathy-first analysis of customer conversations (zh / en)

Usage:
  tongli analyze FILE|- [--format text|json|csv|html] [--out PATH] [--guidelines FILE] [--scorecard FILE]
                        [--input-format jsonl|csv] [--lang zh|en] [--workers N] [--worst N] [--quiet]
  tongli predict TASK FILE|- [--explain]   TASK: emotion | sentiment | abuse | strategy | empathy | satisfaction
  tongli eval TASK FILE [--json] [--map tasks.json] [--set NAME] [--split test|train|all]
  tongli coach "DRAFT" [--customer "MESSAGE"] [--name CUSTOMER_NAME] [--json]
  tongli train TASK FILE... --out MODEL.json [--map tasks.json] [--split train|all] [--epochs N] [--seed N] [--lang zh,en]
                                    rows {"id", "text", "label"}; strategy also from dialogues whose agent turns carry "strategy"
  tongli bench [--json] [--large N]
  tongli import FILE --url URL --token TOKEN --inbox INBOX_ID [--input-format jsonl|csv] [--quiet]
                                    post a JSONL/CSV file to a Tongli server and wait for its analysis
  tongli serve [--port 3000] [--host 127.0.0.1] [--data-dir ./.tongli] [--no-demo]
                                    the platform on the embedded database (PostgreSQL with DATABASE_URL)

Models: every command that analyses loads the shipped default models; add your own with --model FILE
(repeatable; it wins for its task and language) or leave the defaults out with --no-default-models.

Input: dialogue JSONL ({"id", "turns": [{"role": "customer"|"agent", "text"}]}) or CSV with
conversation_id, role, text columns; UTF-8 or GBK/GB18030. Exit codes: 0 ok, 1 failure, 2 bad usage or input.
`;

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
}

function engineFiles(values: Record<string, unknown>): EngineFiles {
  const files: EngineFiles = {};
  if (typeof values.guidelines === 'string') files.guidelines = values.guidelines;
  if (typeof values.scorecard === 'string') files.scorecard = values.scorecard;
  if (Array.isArray(values.model)) files.models = values.model.map(String);
  if (values['no-default-models'] === true) files.noDefaultModels = true;
  return files;
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw usageError(`${name} must be a whole number (got "${value}")`);
  return n;
}

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError((error as Error).message.split('\n')[0] ?? 'bad arguments');
  }
}

const COMMON = {
  guidelines: { type: 'string' },
  scorecard: { type: 'string' },
  model: { type: 'string', multiple: true },
  'no-default-models': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

/** Runs one CLI invocation and returns its exit code (never calls process.exit, so tests can call it). */
export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(HELP);
        return command === undefined ? 2 : 0;
      case '--version':
      case '-v':
        io.stdout.write('tongli 0.1.0\n');
        return 0;
      case 'analyze': {
        const { values, positionals } = parse(rest, {
          ...COMMON,
          format: { type: 'string', short: 'f' },
          out: { type: 'string', short: 'o' },
          'input-format': { type: 'string' },
          lang: { type: 'string' },
          workers: { type: 'string' },
          worst: { type: 'string' },
          stats: { type: 'boolean' },
        });
        const file = positionals[0];
        if (!file) throw usageError('analyze needs a FILE (or - for stdin)');
        const format = (values.format as string | undefined) ?? 'text';
        if (!['text', 'json', 'csv', 'html'].includes(format))
          throw usageError(`--format must be text, json, csv or html (got "${format}")`);
        const inputFormat = values['input-format'] as string | undefined;
        if (inputFormat !== undefined && inputFormat !== 'jsonl' && inputFormat !== 'csv')
          throw usageError('--input-format must be jsonl or csv');
        const lang = values.lang as string | undefined;
        if (lang !== undefined && lang !== 'zh' && lang !== 'en') throw usageError('--lang must be zh or en');
        const started = process.hrtime.bigint();
        const code = await runAnalyze(
          {
            file,
            format: format as 'text',
            ...(values.out ? { out: values.out as string } : {}),
            ...(inputFormat ? { inputFormat } : {}),
            ...(values.workers !== undefined ? { workers: Math.max(1, positiveInt(values.workers as string, '--workers', 1)) } : {}),
            worst: positiveInt(values.worst as string | undefined, '--worst', 10),
            ...(lang ? { lang } : {}),
            quiet: values.quiet === true,
            files: engineFiles(values),
          },
          io,
        );
        if (values.stats) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          io.stderr.write(`TONGLI_STATS ${JSON.stringify({ seconds, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
        }
        return code;
      }
      case 'predict': {
        const { values, positionals } = parse(rest, { ...COMMON, explain: { type: 'boolean' } });
        const task = parseTask(positionals[0]);
        const file = positionals[1];
        if (!file) throw usageError('predict needs TASK and FILE (or - for stdin)');
        return await runPredict(task, file, engineFiles(values), io, values.quiet === true, values.explain === true);
      }
      case 'eval': {
        const { values, positionals } = parse(rest, {
          ...COMMON,
          json: { type: 'boolean' },
          map: { type: 'string' },
          set: { type: 'string' },
          split: { type: 'string' },
        });
        const task = parseTask(positionals[0]);
        const file = positionals[1];
        if (!file) throw usageError('eval needs TASK and FILE');
        const split = (values.split as string | undefined) ?? 'test';
        if (split !== 'test' && split !== 'train' && split !== 'all') throw usageError('--split must be test, train or all');
        return await runEval(
          {
            task,
            file,
            split,
            json: values.json === true,
            files: engineFiles(values),
            ...(values.map ? { map: values.map as string } : {}),
            ...(values.set ? { set: values.set as string } : {}),
          },
          io,
        );
      }
      case 'coach': {
        const { values, positionals } = parse(rest, {
          ...COMMON,
          customer: { type: 'string', short: 'c' },
          name: { type: 'string' },
          json: { type: 'boolean' },
        });
        const draft = positionals.join(' ');
        return runCoach(
          {
            draft,
            json: values.json === true,
            files: engineFiles(values),
            ...(values.customer !== undefined ? { customer: values.customer as string } : {}),
            ...(values.name ? { name: values.name as string } : {}),
          },
          io,
        );
      }
      case 'bench': {
        const { values } = parse(rest, { json: { type: 'boolean' }, large: { type: 'string' } });
        return await runBench({ json: values.json === true, large: positiveInt(values.large as string | undefined, '--large', 0) }, io);
      }
      case 'train': {
        const { values, positionals } = parse(rest, {
          out: { type: 'string', short: 'o' },
          map: { type: 'string' },
          split: { type: 'string' },
          epochs: { type: 'string' },
          seed: { type: 'string' },
          lang: { type: 'string' },
        });
        const task = parseTask(positionals[0]);
        const files = positionals.slice(1);
        if (files.length === 0) throw usageError('train needs TASK and at least one FILE');
        if (typeof values.out !== 'string') throw usageError('train needs --out MODEL.json');
        const split = (values.split as string | undefined) ?? 'train';
        if (split !== 'train' && split !== 'all') throw usageError('--split must be train or all');
        const langs = typeof values.lang === 'string' ? values.lang.split(',').map((l) => l.trim()) : undefined;
        if (langs && !langs.every((l) => l === 'zh' || l === 'en')) throw usageError('--lang must be zh, en or zh,en');
        return await runTrain(
          {
            task,
            files,
            out: values.out,
            split,
            ...(typeof values.map === 'string' ? { map: values.map } : {}),
            ...(values.epochs !== undefined ? { epochs: Math.max(1, positiveInt(values.epochs as string, '--epochs', 8)) } : {}),
            ...(values.seed !== undefined ? { seed: positiveInt(values.seed as string, '--seed', 1) } : {}),
            ...(langs ? { langs: langs as ('zh' | 'en')[] } : {}),
          },
          io,
        );
      }
      case 'import': {
        const { values, positionals } = parse(rest, {
          url: { type: 'string' },
          token: { type: 'string' },
          inbox: { type: 'string' },
          'input-format': { type: 'string' },
          wait: { type: 'string' },
          quiet: { type: 'boolean', short: 'q' },
        });
        const file = positionals[0];
        if (!file) throw usageError('import needs a FILE');
        const token = (values.token as string | undefined) ?? process.env.TONGLI_TOKEN;
        if (!values.url || !token || !values.inbox) throw usageError('import needs --url, --token (or TONGLI_TOKEN) and --inbox');
        const inputFormat = values['input-format'] as string | undefined;
        if (inputFormat !== undefined && inputFormat !== 'jsonl' && inputFormat !== 'csv')
          throw usageError('--input-format must be jsonl or csv');
        return await runImport(
          {
            file,
            url: values.url as string,
            token,
            inbox: values.inbox as string,
            ...(inputFormat ? { format: inputFormat } : {}),
            waitSeconds: positiveInt(values.wait as string | undefined, '--wait', 600),
            quiet: values.quiet === true,
          },
          io,
        );
      }
      case 'serve': {
        const { values } = parse(rest, {
          port: { type: 'string', short: 'p' },
          host: { type: 'string' },
          'data-dir': { type: 'string' },
          'no-demo': { type: 'boolean' },
        });
        return await runServe(
          {
            ...(values.port !== undefined ? { port: positiveInt(values.port as string, '--port', 3000) } : {}),
            ...(values.host ? { host: values.host as string } : {}),
            ...(values['data-dir'] ? { dataDir: values['data-dir'] as string } : {}),
            ...(values['no-demo'] ? { demo: false } : {}),
          },
          io,
        );
      }
      default:
        throw usageError(`unknown command "${command}"; run tongli --help`);
    }
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`tongli: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`tongli: unexpected failure: ${message.split('\n')[0]}\n`);
    return 1;
  }
}
