/** A one-line progress display on stderr, only when stderr is a terminal; redrawn at most 10 times a second. */
export function createProgress(stream: NodeJS.WriteStream, enabled: boolean) {
  const on = enabled && stream.isTTY === true;
  const started = Date.now();
  let last = 0;
  return {
    update(done: number, bytes: number, total?: number): void {
      if (!on) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const seconds = (now - started) / 1000;
      const rate = seconds > 0 ? Math.round(done / seconds) : 0;
      const share = total ? Math.min(1, bytes / total) : 0;
      const width = 24;
      const bar = total ? `[${'#'.repeat(Math.round(share * width)).padEnd(width, '.')}] ${Math.round(share * 100)}% ` : '';
      stream.write(`\r${bar}${done.toLocaleString('en')} conversations, ${rate.toLocaleString('en')}/s`);
    },
    end(): void {
      if (on) stream.write('\r\x1b[K');
    },
  };
}
