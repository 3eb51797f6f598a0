/**
 * Where quoted history starts: a line that introduces the previous message. Ordered by how often mail clients use
 * them; the first line matching any of them ends the new text.
 */
const HISTORY_STARTS: readonly RegExp[] = [
  // Gmail / Apple Mail (en), possibly wrapped onto two lines (joined before matching).
  /^On\b.{0,300}\bwrote:\s*$/i,
  // Gmail (zh): "在 2024年1月2日周二 10:00，张三 <a@b.cn> 写道：" and "张三 <a@b.cn> 于2024年1月2日周二 写道："
  /^(?:在|.{0,200}于).{0,300}写道\s*[:：]\s*$/,
  /^-{2,}\s*(?:Original Message|Forwarded message|原始邮件|原始郵件|转发的邮件)\s*-{2,}\s*$/i,
  // Outlook's rule above its header block.
  /^_{10,}\s*$/,
];

/** The first line of an Outlook / Foxmail / QQ header block, confirmed by a second header line just below it. */
const HEADER_FROM = /^\*?(?:From|发件人|寄件者|發件人)\s*\*?\s*[:：]/i;
const HEADER_NEXT = /^\*?(?:Sent|Date|To|Cc|Subject|发送时间|寄件日期|日期|时间|收件人|抄送|主题|主旨)\s*\*?\s*[:：]/i;

/** A signature: the standard "-- " separator (some clients trim its space) and mobile taglines. */
const SIGNATURES: readonly RegExp[] = [
  /^--\s*$/,
  /^(?:Sent from my |Get Outlook for )/i,
  /^(?:发自我的|来自我的|从我的\s*\S+\s*发送|發自我的)/,
];

function startsHistory(lines: readonly string[], index: number): boolean {
  const line = (lines[index] ?? '').trim();
  if (HISTORY_STARTS.some((pattern) => pattern.test(line))) return true;
  // "On Tue, 2 Jan 2024 at 10:00, Zhang San <a@b.cn>" / "wrote:" wrapped by the client.
  const joined = `${line} ${(lines[index + 1] ?? '').trim()}`;
  if (/^On\b/i.test(line) && /^On\b.{0,300}\bwrote:\s*$/i.test(joined)) return true;
  if (HEADER_FROM.test(line)) {
    for (let next = index + 1; next <= index + 3 && next < lines.length; next += 1) {
      if (HEADER_NEXT.test((lines[next] ?? '').trim())) return true;
    }
  }
  return false;
}

/**
 * The new text of an email reply: cuts at the first line that starts quoted history ("On … wrote:", "在 … 写道：",
 * "-----Original Message-----", an Outlook "From:/Sent:" block or separator) or a signature ("-- "), then drops any
 * remaining `>`-quoted lines. Returns the text trimmed; an empty string when nothing new is left.
 * @example
 * stripQuotedText('Thanks!\n\nOn Mon, Jan 1, 2024, Ann <a@b.c> wrote:\n> old'); // 'Thanks!'
 */
export function stripQuotedText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    const trimmed = line.trim();
    if (startsHistory(lines, index) || SIGNATURES.some((pattern) => pattern.test(trimmed))) break;
    if (trimmed.startsWith('>')) continue;
    kept.push(line.trimEnd());
  }
  return kept
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
