import { describe, expect, it } from 'vitest';
import en from '../../i18n/en.json';
import zhCN from '../../i18n/zh-CN.json';
import { translate } from '../../i18n/translate.js';
import { buildTransferNote } from './transfer-note.js';

describe('buildTransferNote', () => {
  it('summarises emotion, risk, complaint and open promises', () => {
    const t = (key: string, vars?: Readonly<Record<string, string | number>>) => translate(en, key, vars);
    const note = buildTransferNote(t, {
      emotion: 'anger',
      intensity: 0.84,
      risk: ['escalation_threat'],
      complaint: 'The juicer broke after three days',
      promises: [{ text: 'call back within ten minutes', due: 'today' }],
    });
    expect(note).toContain('Anger (0.8)');
    expect(note).toContain('Escalation');
    expect(note).toContain('The juicer broke after three days');
    expect(note).toContain('call back within ten minutes');
  });

  it('says so when nothing is known, in Chinese', () => {
    const t = (key: string, vars?: Readonly<Record<string, string | number>>) => translate(zhCN, key, vars);
    const note = buildTransferNote(t, { emotion: null, intensity: null, risk: [], complaint: null, promises: [] });
    expect(note).not.toMatch(/transfer\./);
    expect(note).toContain('未知');
  });
});
