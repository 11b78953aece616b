/**
 * Collects a stream's bytes within a bound: the first `headBytes` (to parse stdout as JSON) and the last `tailBytes`
 * (for logs and error messages), never more, whatever the process writes.
 */
export class BoundedText {
  #head: Buffer[] = [];
  #headLength = 0;
  #tail: Buffer = Buffer.alloc(0);
  #total = 0;

  constructor(
    private readonly headBytes: number,
    private readonly tailBytes: number,
  ) {}

  push(chunk: Buffer): void {
    this.#total += chunk.length;
    if (this.#headLength < this.headBytes) {
      const part = chunk.subarray(0, this.headBytes - this.#headLength);
      this.#head.push(part);
      this.#headLength += part.length;
    }
    const recent = chunk.length >= this.tailBytes ? chunk.subarray(chunk.length - this.tailBytes) : Buffer.concat([this.#tail, chunk]);
    this.#tail = Buffer.from(recent.subarray(Math.max(0, recent.length - this.tailBytes)));
  }

  /** every byte written so far */
  get totalBytes(): number {
    return this.#total;
  }

  /** the whole text, when it fitted in the head; undefined when the stream was longer */
  whole(): string | undefined {
    return this.#total <= this.headBytes ? Buffer.concat(this.#head).toString('utf8') : undefined;
  }

  /** the first bytes written, up to the head's bound */
  head(): string {
    return Buffer.concat(this.#head).toString('utf8');
  }

  /** the last bytes written, as text (a cut multi-byte character at the start shows as U+FFFD) */
  tail(maxBytes = this.tailBytes): string {
    const bytes = this.#tail.length > maxBytes ? this.#tail.subarray(this.#tail.length - maxBytes) : this.#tail;
    return bytes.toString('utf8');
  }
}
