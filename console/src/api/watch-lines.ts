/**
 * A watch response is a stream of JSON objects, one per line, cut into chunks wherever the network
 * cut them. `LineSplitter` turns chunks back into whole lines, holding a partial last line until
 * the rest arrives.
 */

/** Accumulates text chunks and hands out complete, non-empty lines. */
export class LineSplitter {
  private rest = '';

  /** The complete lines that `chunk` finishes (without their newlines). */
  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const parts = text.split('\n');
    this.rest = parts.pop() ?? '';
    return parts.map((l) => l.trim()).filter((l) => l !== '');
  }

  /** Whatever is left when the stream ends (a last line without a newline), as a line list. */
  flush(): string[] {
    const last = this.rest.trim();
    this.rest = '';
    return last === '' ? [] : [last];
  }
}
