import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAnalyzer, serializeModel } from '@tongli/engine';
import { describe, expect, it } from 'vitest';
import { createEngineService } from './engine-service.js';

describe('engine service', () => {
  it("loads a centre's own model file next to the shipped ones, and it wins for its task", () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({
      row: { id: String(i), text: i % 2 ? `这次体验真是绝绝子${i}` : `这次体验太拉胯了${i}` },
      label: i % 2 ? 'positive' : 'negative',
    }));
    const model = createAnalyzer().train('sentiment', rows, { seed: 1, meta: { trainedOn: ['centre.jsonl'] } });
    const path = join(mkdtempSync(join(tmpdir(), 'tongli-model-')), 'sentiment.json');
    writeFileSync(path, JSON.stringify(serializeModel(model)));
    const engine = createEngineService({ models: false, modelFiles: [path] });
    expect(engine.analyzer.models.map((m) => m.meta.trainedOn)).toContainEqual(['centre.jsonl']);
    const withoutOwn = createEngineService({ models: false });
    expect(engine.lexiconHash).not.toBe(withoutOwn.lexiconHash);
  });

  it('names the file when a model cannot be loaded', () => {
    expect(() => createEngineService({ models: false, modelFiles: ['/nonexistent/model.json'] })).toThrow(
      /model \/nonexistent\/model\.json/,
    );
  });
});
