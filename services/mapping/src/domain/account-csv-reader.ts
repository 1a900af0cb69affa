import { DomainError } from '@prm/domain';
import { readAccountRow, type AccountRow, type RowError } from './account-row';
import { mapColumns, type ColumnMap } from './columns';
import { CsvParser, CsvSyntaxError, detectDelimiter } from './csv-parser';
import { EncodingError, StreamTextDecoder, type ImportEncoding } from './text-decoder';

export interface CsvReadOptions {
  encoding?: ImportEncoding;
  /** Refuse the file once it passes this many bytes. */
  maxBytes: number;
}

export interface CsvReadProgress {
  bytesRead: number;
  rowsRead: number;
  accepted: number;
  rejected: number;
}

/** What the reader yields as it goes: accepted rows and bad rows since the last batch. */
export interface CsvBatch {
  rows: AccountRow[];
  errors: RowError[];
  progress: CsvReadProgress;
}

export interface CsvReadResult {
  columns: ColumnMap;
  encoding: string;
  delimiter: string;
}

/** Pieces of at most this many bytes are parsed at a time, so batches and progress stay small. */
const PIECE = 64 * 1024;

const fileError = (reason: string) => DomainError.invalid([{ field: 'file', reason }]);

/**
 * Reads an account-list CSV as it streams in: decodes (UTF-8 / Windows-1251), parses, maps the
 * header, checks each row. Never holds more than one piece of the file plus one batch of rows.
 * Refuses the whole file (INVALID_ARGUMENT on `file` / `file.columns.*`) when it is too large,
 * not decodable, malformed CSV, empty, or misses a required column; bad rows are only reported.
 */
export async function* readAccountCsv(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: CsvReadOptions,
  result: Partial<CsvReadResult> = {},
): AsyncGenerator<CsvBatch> {
  const decoder = new StreamTextDecoder(options.encoding ?? 'auto');
  const progress: CsvReadProgress = { bytesRead: 0, rowsRead: 0, accepted: 0, rejected: 0 };
  let parser: CsvParser | undefined;
  let head = '';
  let columns: ColumnMap | undefined;
  let rows: AccountRow[] = [];
  let errors: RowError[] = [];
  let failure: unknown;

  const onRecord = (fields: string[], line: number) => {
    if (failure) return;
    if (!columns) {
      try {
        columns = mapColumns(fields);
        result.columns = columns;
      } catch (error) {
        failure = error;
      }
      return;
    }
    progress.rowsRead++;
    const read = readAccountRow(fields, line, columns);
    if (read.row) {
      rows.push(read.row);
      progress.accepted++;
    } else {
      errors.push(...read.errors);
      progress.rejected++;
    }
  };

  const feed = (text: string) => {
    if (parser) return parser.push(text);
    head += text;
    if (!/[\r\n]/.test(head)) return;
    result.delimiter = detectDelimiter(head);
    parser = new CsvParser(onRecord, result.delimiter);
    parser.push(head);
    head = '';
  };

  const guarded = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      if (error instanceof CsvSyntaxError) {
        throw fileError(
          `malformed CSV at line ${error.line}, column ${error.column}: ${error.reason}; nothing was imported`,
        );
      }
      if (error instanceof EncodingError) throw fileError(`${error.message}; nothing was imported`);
      throw error;
    }
    if (failure) throw failure;
  };

  const take = (): CsvBatch => {
    const batch = { rows, errors, progress: { ...progress } };
    rows = [];
    errors = [];
    return batch;
  };

  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += PIECE) {
      const piece = chunk.subarray(at, Math.min(chunk.length, at + PIECE));
      progress.bytesRead += piece.length;
      if (progress.bytesRead > options.maxBytes) {
        throw fileError(`is larger than the limit of ${options.maxBytes} bytes; nothing was imported`);
      }
      guarded(() => feed(decoder.decode(piece)));
      result.encoding = decoder.encoding;
      if (rows.length > 0 || errors.length > 0) yield take();
    }
  }
  guarded(() => {
    feed(decoder.end());
    if (!parser && head.trim() !== '') {
      result.delimiter = detectDelimiter(head);
      parser = new CsvParser(onRecord, result.delimiter);
      parser.push(head);
    }
    parser?.end();
  });
  if (!columns)
    throw fileError(
      'is empty; the first line must be the header (e.g. name,domain,tax_id,country,population)',
    );
  result.encoding = decoder.encoding ?? 'utf-8';
  yield take();
}
