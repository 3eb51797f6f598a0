// C0 and C1 control characters except tab and newline: they could drive a terminal (ANSI escapes).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Untrusted text made safe to print on a terminal. */
export function printable(text: string): string {
  return text.replace(CONTROL, '\ufffd');
}
