import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsvParser, CsvSyntaxError, detectDelimiter, StreamTextDecoder, EncodingError } from './index';

function parse(chunks: string[], delimiter = ','): Array<[number, string[]]> {
  const out: Array<[number, string[]]> = [];
  const parser = new CsvParser((fields, line) => out.push([line, fields]), delimiter);
  for (const c of chunks) parser.push(c);
  parser.end();
  return out;
}

describe('CsvParser (RFC 4180, streaming)', () => {
  const text =
    'name,domain,note\r\n' +
    '"ООО ""Ромашка""",romashka.ru,"line one\r\nline two"\r\n' +
    'Acme,,plain\n' +
    '\n' +
    '"a,b",x.com,"" \r' +
    'last,y.com,no newline';

  const expected: Array<[number, string[]]> = [
    [1, ['name', 'domain', 'note']],
    [2, ['ООО "Ромашка"', 'romashka.ru', 'line one\r\nline two']],
    [4, ['Acme', '', 'plain']],
    [6, ['a,b', 'x.com', '" ']],
    [7, ['last', 'y.com', 'no newline']],
  ];

  it('parses quotes, "" escapes, CRLF / LF / CR, newlines inside quotes, blank lines', () => {
    // `"" ` after a delimiter: an empty quoted field followed by a space is malformed — check it separately.
    const ok = text.replace('"" \r', '"x"\r');
    const want = expected.map(([l, f]) => [l, l === 6 ? ['a,b', 'x.com', 'x'] : f] as [number, string[]]);
    assert.deepEqual(parse([ok]), want);
  });

  it('gives the same records however the text is split into chunks', () => {
    const ok = text.replace('"" \r', '"x"\r');
    const whole = parse([ok]);
    for (let cut = 1; cut < ok.length; cut++) {
      assert.deepEqual(parse([ok.slice(0, cut), ok.slice(cut)]), whole, `split at ${cut}`);
    }
    assert.deepEqual(parse([...ok]), whole, 'one character at a time');
  });

  it('refuses text after a closing quote, with line and column', () => {
    assert.throws(
      () => parse([text]),
      (e: CsvSyntaxError) => e instanceof CsvSyntaxError && e.line === 6 && e.column === 15,
    );
  });

  it('refuses a quote inside an unquoted field and an unclosed quote, naming where', () => {
    assert.throws(() => parse(['a,b\nfoo"bar,x\n']), /line 2, column 4: a quote inside an unquoted field/);
    assert.throws(() => parse(['a,b\n1,"open\n2,3\n']), /line 2, column 3: a quoted field is never closed/);
  });

  it('keeps empty trailing fields and a trailing delimiter', () => {
    assert.deepEqual(parse(['a,b,c\n1,,\n']), [
      [1, ['a', 'b', 'c']],
      [2, ['1', '', '']],
    ]);
  });

  it('supports ; and tab delimiters, detected from the header', () => {
    assert.equal(detectDelimiter('Название;ИНН;Тип\r\n'), ';');
    assert.equal(detectDelimiter('name\tdomain\tpopulation\n'), '\t');
    assert.equal(detectDelimiter('"a;b",c,d\n'), ',');
    assert.deepEqual(parse(['a;b\n"x;y";z\n'], ';'), [
      [1, ['a', 'b']],
      [2, ['x;y', 'z']],
    ]);
  });
});

describe('StreamTextDecoder', () => {
  const cp1251 = Buffer.from([0xcf, 0xf0, 0xe8, 0xec, 0xe5, 0xf0, 0x2c, 0xc0, 0xce]); // "Пример,АО"

  it('detects Windows-1251 when the start is not UTF-8', () => {
    const d = new StreamTextDecoder('auto');
    assert.equal(d.decode(cp1251) + d.end(), 'Пример,АО');
    assert.equal(d.encoding, 'windows-1251');
  });

  it('detects UTF-8, drops the BOM and joins a character split across chunks', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Ромашка', 'utf8')]);
    const d = new StreamTextDecoder('auto');
    let text = '';
    for (let i = 0; i < bytes.length; i += 2) text += d.decode(bytes.subarray(i, i + 2));
    assert.equal(text + d.end(), 'Ромашка');
    assert.equal(d.encoding, 'utf-8');
  });

  it('refuses UTF-8 that turns invalid later, with the offset', () => {
    const d = new StreamTextDecoder('auto');
    d.decode(Buffer.from('name,domain\n', 'utf8'));
    assert.throws(
      () => d.decode(cp1251),
      (e: EncodingError) => e instanceof EncodingError && e.byteOffset === 12,
    );
  });

  it('reads Windows-1251 when told so even if the bytes happen to be ASCII first', () => {
    const d = new StreamTextDecoder('windows-1251');
    assert.equal(d.decode(Buffer.from('a,')) + d.decode(cp1251) + d.end(), 'a,Пример,АО');
  });
});
