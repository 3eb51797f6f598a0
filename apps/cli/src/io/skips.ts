import { printable } from './printable.js';

/** Collects skipped input rows: every one is counted, the first few are kept word for word for the user. */
export class Skips {
  count = 0;
  readonly messages: string[] = [];
  constructor(
    private readonly onSkip: (message: string) => void = () => {},
    private readonly keep = 20,
  ) {}

  add(raw: string): void {
    const message = printable(raw);
    this.count++;
    if (this.messages.length < this.keep) {
      this.messages.push(message);
      this.onSkip(message);
    }
  }
}
