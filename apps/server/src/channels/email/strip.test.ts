import { describe, expect, it } from 'vitest';
import { normalizeMessageId, parseEmail, splitMessageIds } from './parse.js';
import { stripQuotedText } from './strip.js';

describe('stripQuotedText', () => {
  it.each([
    ['Gmail en', 'Thanks, that worked.\n\nOn Mon, Jan 1, 2024 at 10:00 AM Ann <ann@shop.com> wrote:\n> Try restarting.\n> Ann'],
    [
      'Gmail en wrapped',
      'Thanks, that worked.\n\nOn Mon, Jan 1, 2024 at 10:00 AM Support Team\n<support@shop.com> wrote:\n> Try restarting.',
    ],
    ['Outlook', 'Thanks, that worked.\r\n\r\n-----Original Message-----\r\nFrom: Ann\r\nSent: Monday\r\n\r\nTry restarting.'],
    [
      'Outlook header block',
      'Thanks, that worked.\n\n________________________________\nFrom: Ann <ann@shop.com>\nSent: Monday, January 1, 2024\nTo: me\n\nTry restarting.',
    ],
    ['Outlook bold block', 'Thanks, that worked.\n\n*From:* Ann <ann@shop.com>\n*Sent:* Monday\n*Subject:* RE: order\n\nTry restarting.'],
    ['signature', 'Thanks, that worked.\n-- \nJohn Smith\nACME Inc.'],
    ['inline quotes', '> Try restarting.\nThanks, that worked.\n> Anything else?'],
    ['mobile', 'Thanks, that worked.\n\nSent from my iPhone'],
  ])('keeps only the new text (%s)', (_name, text) => {
    expect(stripQuotedText(text)).toBe('Thanks, that worked.');
  });

  it.each([
    ['Gmail zh', '好的，谢谢！\n\n在 2024年1月2日周二 10:00，客服 <support@shop.cn> 写道：\n> 请重启路由器。'],
    ['Gmail zh 于', '好的，谢谢！\n\n客服 <support@shop.cn> 于2024年1月2日周二 10:00写道：\n> 请重启路由器。'],
    [
      'QQ mail',
      '好的，谢谢！\n\n------------------ 原始邮件 ------------------\n发件人: "客服"<support@shop.cn>;\n发送时间: 2024年1月2日\n\n请重启路由器。',
    ],
    ['Foxmail block', '好的，谢谢！\n\n发件人：客服\n发送时间：2024-01-02 10:00\n收件人：我\n主题：回复：网络\n\n请重启路由器。'],
    ['mobile zh', '好的，谢谢！\n\n发自我的iPhone'],
  ])('keeps only the new text (%s)', (_name, text) => {
    expect(stripQuotedText(text)).toBe('好的，谢谢！');
  });

  it('keeps ordinary lines that merely mention a sender or a dash', () => {
    const text = 'From: the shop I bought it from, nothing arrived.\nPrice - 20 yuan\n--- not a signature';
    expect(stripQuotedText(text)).toBe(text);
  });

  it('returns an empty string when only history is left', () => {
    expect(stripQuotedText('> old\n> older')).toBe('');
  });
});

describe('Message-IDs', () => {
  it('normalises and splits header values', () => {
    expect(normalizeMessageId(' abc@host ')).toBe('<abc@host>');
    expect(normalizeMessageId('<>')).toBeNull();
    expect(splitMessageIds('<a@b>\r\n <c@d>')).toEqual(['<a@b>', '<c@d>']);
    expect(splitMessageIds(['<a@b>', 'c@d'])).toEqual(['<a@b>', '<c@d>']);
    expect(splitMessageIds(undefined)).toEqual([]);
  });
});

describe('parseEmail', () => {
  it('decodes a Big5 quoted-printable body', async () => {
    const raw = [
      'From: lee@example.tw',
      'To: support@shop.cn',
      'Subject: =?UTF-8?B?5YyF6KO5?=',
      'Content-Type: text/plain; charset=big5',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      '=C1c=C5=E9=B4=FA=B8=D5=A1G=A7=DA=AA=BA=A5]=BBq=BF=F2=A5=A2=A4F',
      '',
    ].join('\r\n');
    const email = await parseEmail(Buffer.from(raw));
    expect(email.body).toBe('繁體測試：我的包裹遺失了');
    expect(email.subject).toBe('包裹');
    // No Message-ID: one derived from the content, stable across deliveries.
    expect(email.messageId).toMatch(/^<[0-9a-f]{40}@tongli\.invalid>$/);
    expect((await parseEmail(Buffer.from(raw))).messageId).toBe(email.messageId);
  });

  it('rejects an email without a sender', async () => {
    await expect(parseEmail(Buffer.from('Subject: hi\r\n\r\nhello'))).rejects.toMatchObject({ code: 'email_without_sender', status: 400 });
  });
});
