// JSON parsing that never turns a number into a float. The Data API and Gamma send prices, sizes
// and P&L as JSON *numbers* (§1, §2.3); JSON.parse would hand us 0.1 + 0.2 style doubles and the
// house rule is that money is never a JS number. Node 20's JSON.parse has no source-text access
// in revivers, so this is a small strict recursive-descent parser that keeps every number literal
// as its exact text (a JsonNumber); the wire schemas decide whether it becomes a Decimal or an int.

/** A JSON number literal, kept as the exact text the server sent. */
export class JsonNumber {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type LosslessJson =
  null | boolean | string | JsonNumber | LosslessJson[] | { [key: string]: LosslessJson };

export class JsonSyntaxError extends SyntaxError {
  override readonly name = 'JsonSyntaxError';
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WS = /[ \t\n\r]*/y;

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(): LosslessJson {
    this.ws();
    const value = this.value(0);
    this.ws();
    if (this.i !== this.s.length) this.fail('unexpected trailing data');
    return value;
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(`${message} at position ${this.i}`);
  }

  private ws(): void {
    WS.lastIndex = this.i;
    WS.exec(this.s);
    this.i = WS.lastIndex;
  }

  private value(depth: number): LosslessJson {
    // Bounded nesting: a hostile or broken server must not blow the stack.
    if (depth > 256) this.fail('nesting too deep');
    const c = this.s[this.i];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === 't') return this.literal('true', true);
    if (c === 'f') return this.literal('false', false);
    if (c === 'n') return this.literal('null', null);
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (m === null) this.fail('unexpected character');
    this.i = NUMBER.lastIndex;
    return new JsonNumber(m[0]);
  }

  private literal<T>(word: string, value: T): T {
    if (!this.s.startsWith(word, this.i)) this.fail('invalid literal');
    this.i += word.length;
    return value;
  }

  private object(depth: number): { [key: string]: LosslessJson } {
    // A null-prototype object: keys such as "__proto__" from the wire stay plain data.
    const out = Object.create(null) as { [key: string]: LosslessJson };
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('expected a key');
      const key = this.string();
      this.ws();
      if (this.s[this.i] !== ':') this.fail("expected ':'");
      this.i++;
      this.ws();
      out[key] = this.value(depth + 1);
      this.ws();
      const c = this.s[this.i];
      this.i++;
      if (c === '}') return out;
      if (c !== ',') this.fail("expected ',' or '}'");
    }
  }

  private array(depth: number): LosslessJson[] {
    const out: LosslessJson[] = [];
    this.i++;
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i];
      this.i++;
      if (c === ']') return out;
      if (c !== ',') this.fail("expected ',' or ']'");
    }
  }

  private string(): string {
    // Find the closing quote, skipping escapes, then let JSON.parse decode the escapes exactly.
    const start = this.i;
    let j = start + 1;
    for (;;) {
      const c = this.s.charCodeAt(j);
      if (Number.isNaN(c)) this.fail('unterminated string');
      if (c === 0x22) break;
      if (c === 0x5c) j += 2;
      else j += 1;
    }
    this.i = j + 1;
    try {
      return JSON.parse(this.s.slice(start, j + 1)) as string;
    } catch {
      this.fail('invalid string');
    }
  }
}

/** Parses JSON text; numbers come back as JsonNumber, objects have no prototype. */
export function parseLosslessJson(text: string): LosslessJson {
  return new Parser(text).parse();
}

/** Turns JsonNumbers back into strings (for error bodies handed to the generic error mappers). */
export function toPlainJson(value: unknown): unknown {
  if (value instanceof JsonNumber) {
    const n = Number(value.text);
    // Error mappers read e.g. retry_after_seconds as a number; only exact integers convert.
    return Number.isSafeInteger(n) ? n : value.text;
  }
  if (Array.isArray(value)) return value.map(toPlainJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPlainJson(v);
    return out;
  }
  return value;
}
