/**
 * A streaming RFC 4180 CSV parser: text goes in chunk by chunk (any split, even inside a
 * quoted field or between CR and LF), records come out as soon as they end. Quoted fields,
 * `""` escapes, CRLF / LF / CR line ends, newlines inside quotes. Blank lines are skipped.
 * Syntax errors (a quote inside an unquoted field, text after a closing quote, a quote never
 * closed) throw CsvSyntaxError with the line and column (1-based) where they are.
 */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
    this.name = 'CsvSyntaxError';
  }
}

export type CsvRecordHandler = (fields: string[], line: number) => void;

const QUOTE = 34;
const CR = 13;
const LF = 10;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
}

export class CsvParser {
  private state = State.FieldStart;
  private fields: string[] = [];
  private field = '';
  /** Physical line (1-based) of the character being read, and its column. */
  private line = 1;
  private column = 0;
  private recordLine = 1;
  private quoteLine = 0;
  private quoteColumn = 0;
  private skipLf = false;
  private prevCr = false;
  private readonly delimiter: number;

  constructor(
    private readonly onRecord: CsvRecordHandler,
    delimiter = ',',
  ) {
    if (delimiter.length !== 1) throw new Error('the delimiter is one character');
    this.delimiter = delimiter.charCodeAt(0);
  }

  push(text: string): void {
    const d = this.delimiter;
    let start = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (this.skipLf) {
        this.skipLf = false;
        if (c === LF) {
          start = i + 1;
          continue;
        }
      }
      this.column++;
      switch (this.state) {
        case State.FieldStart:
          if (c === QUOTE) {
            this.state = State.Quoted;
            this.prevCr = false;
            this.quoteLine = this.line;
            this.quoteColumn = this.column;
            start = i + 1;
          } else if (c === d) {
            this.fields.push('');
            start = i + 1;
          } else if (c === CR || c === LF) {
            this.fields.push('');
            this.endRecord(c);
            start = i + 1;
          } else {
            this.state = State.Unquoted;
            start = i;
          }
          break;
        case State.Unquoted:
          if (c === d) {
            this.fields.push(this.field + text.slice(start, i));
            this.field = '';
            this.state = State.FieldStart;
            start = i + 1;
          } else if (c === CR || c === LF) {
            this.fields.push(this.field + text.slice(start, i));
            this.field = '';
            this.endRecord(c);
            start = i + 1;
          } else if (c === QUOTE) {
            throw new CsvSyntaxError(
              this.line,
              this.column,
              'a quote inside an unquoted field; enclose the field in quotes and double the quote ("")',
            );
          }
          break;
        case State.Quoted:
          if (c === QUOTE) {
            this.field += text.slice(start, i);
            this.state = State.QuoteInQuoted;
          } else if (c === CR || (c === LF && !this.prevCr)) {
            // A newline inside quotes is part of the field; count lines for later errors.
            this.line++;
            this.column = 0;
          } else if (c === LF) {
            this.column = 0;
          }
          this.prevCr = c === CR;
          break;
        case State.QuoteInQuoted:
          if (c === QUOTE) {
            this.field += '"';
            this.state = State.Quoted;
            start = i + 1;
          } else if (c === d) {
            this.fields.push(this.field);
            this.field = '';
            this.state = State.FieldStart;
            start = i + 1;
          } else if (c === CR || c === LF) {
            this.fields.push(this.field);
            this.field = '';
            this.endRecord(c);
            start = i + 1;
          } else {
            throw new CsvSyntaxError(
              this.line,
              this.column,
              'unexpected character after a closing quote; a quote inside a quoted field is written ""',
            );
          }
          break;
      }
    }
    if (this.state === State.Unquoted || this.state === State.Quoted) this.field += text.slice(start);
  }

  /** The input is complete: emits the last record (without a final newline) or throws for an open quote. */
  end(): void {
    if (this.state === State.Quoted) {
      throw new CsvSyntaxError(
        this.quoteLine,
        this.quoteColumn,
        'a quoted field is never closed (the file ends inside quotes)',
      );
    }
    if (this.state === State.Unquoted || this.state === State.QuoteInQuoted) {
      this.fields.push(this.field);
      this.field = '';
    } else if (this.fields.length > 0) {
      this.fields.push('');
    }
    if (this.fields.length > 0) this.emit();
    this.state = State.FieldStart;
  }

  private endRecord(c: number): void {
    this.emit();
    this.line++;
    this.column = 0;
    this.recordLine = this.line;
    this.state = State.FieldStart;
    if (c === CR) this.skipLf = true;
  }

  private emit(): void {
    const fields = this.fields;
    this.fields = [];
    // A blank line is no record.
    if (fields.length === 1 && fields[0] === '') return;
    this.onRecord(fields, this.recordLine);
  }
}

/** Guesses the delimiter from the header line: the most frequent of , ; and tab outside quotes (default ,). */
export function detectDelimiter(headerText: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of headerText) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in counts) counts[ch as keyof typeof counts]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}
