import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { domainToASCII } from 'node:url';
import { DomainError } from '@prm/domain';
import { csv, encode1251, thousandRowsWithTwentyBad } from '../testing/account-lists';
import { readAccountCsv, type AccountRow, type CsvReadResult, type RowError } from './index';

async function readAll(
  text: string | Buffer,
  options: { maxBytes?: number; chunk?: number; encoding?: 'auto' | 'utf-8' | 'windows-1251' } = {},
) {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const chunk = options.chunk ?? 7919;
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  const rows: AccountRow[] = [];
  const errors: RowError[] = [];
  const result: Partial<CsvReadResult> = {};
  let batches = 0;
  let lastProgress = { bytesRead: 0, rowsRead: 0, accepted: 0, rejected: 0 };
  for await (const batch of readAccountCsv(
    chunks,
    { maxBytes: options.maxBytes ?? 1e9, encoding: options.encoding },
    result,
  )) {
    rows.push(...batch.rows);
    errors.push(...batch.errors);
    assert.ok(batch.progress.bytesRead >= lastProgress.bytesRead, 'progress only grows');
    lastProgress = batch.progress;
    batches++;
  }
  return { rows, errors, result, batches, progress: lastProgress };
}

const invalidFields = (e: unknown) => (e instanceof DomainError ? e.violations.map((v) => v.field) : []);

describe('readAccountCsv', () => {
  it('reads 1,000 rows with 20 bad rows of ten kinds: keeps 980, reports each bad row with line, column and reason', async () => {
    const { text, bad, good } = thousandRowsWithTwentyBad();
    const { rows, errors, progress, batches } = await readAll(text);
    assert.equal(rows.length, good);
    assert.equal(errors.length, 20);
    for (const expected of bad) {
      const found = errors.find((e) => e.line === expected.line);
      assert.ok(found, `line ${expected.line} reported`);
      assert.equal(found.column, expected.column, `column of line ${expected.line}`);
      assert.match(found.reason, expected.reason, `reason of line ${expected.line}`);
    }
    assert.deepEqual(progress, {
      bytesRead: Buffer.byteLength(text),
      rowsRead: 1000,
      accepted: 980,
      rejected: 20,
    });
    assert.ok(batches > 1, 'rows come out while the file streams in');
    // Cyrillic and Latin names meet on the same key; www, scheme and path are gone from the domain.
    assert.equal(rows[0]!.keys.nameCountry, 'ma|RU');
    assert.equal(rows[0]!.domain, 'ma-0.example');
    assert.match(rows[0]!.keys.taxId!, /^RU_INN:\d{10}$/);
  });

  it('recognizes a Salesforce account export', async () => {
    const text = csv([
      ['Account ID', 'Account Name', 'Type', 'Website', 'Billing Country', 'INN__c'],
      ['001A', 'Romashka LLC', 'Customer - Direct', 'www.romashka.ru', 'Russia', '7707083893'],
      ['001B', 'Acme GmbH', 'Prospect', 'https://acme.de/', 'Germany', ''],
      ['001C', 'Channel Co', 'Channel Partner / Reseller', 'channel.example', 'US', ''],
    ]);
    const { rows, errors, result } = await readAll(text);
    assert.equal(result.columns!.format, 'salesforce');
    assert.deepEqual(
      rows.map((r) => [r.externalId, r.population, r.country, r.keys]),
      [
        ['001A', 0, 'RU', { domain: 'romashka.ru', taxId: 'RU_INN:7707083893', nameCountry: 'romashka|RU' }],
        ['001B', 2, 'DE', { domain: 'acme.de', nameCountry: 'acme|DE' }],
      ],
    );
    assert.deepEqual(
      errors.map((e) => [e.line, e.column]),
      [[4, 'Type']],
    );
  });

  it('recognizes a HubSpot company export (lifecycle stage wins over its company Type)', async () => {
    const text = csv([
      [
        'Record ID',
        'Company name',
        'Company Domain Name',
        'Website URL',
        'Country/Region',
        'Type',
        'Lifecycle Stage',
      ],
      [
        '1',
        'Vektor JSC',
        'vektor.ru',
        'https://www.vektor.ru',
        'Russian Federation',
        'Partner',
        'Opportunity',
      ],
      ['2', 'Beta', '', 'http://beta.example.com/about', 'United States', 'Prospect', 'salesqualifiedlead'],
      ['3', 'Gamma', 'gamma.io', '', 'US', '', 'evangelist'],
    ]);
    const { rows, errors, result } = await readAll(text);
    assert.equal(result.columns!.format, 'hubspot');
    assert.deepEqual(errors, []);
    assert.deepEqual(
      rows.map((r) => [r.population, r.domain]),
      [
        [1, 'vektor.ru'],
        [2, null],
        [0, 'gamma.io'],
      ],
    );
  });

  it('reads a Windows-1251 Bitrix24 export with ; delimiters', async () => {
    const text =
      'ID компании;Название компании;ИНН;Сайт;Страна;Тип компании\r\n' +
      '17;ООО «Ромашка»;7707083893;ромашка.рф;Россия;Клиент\r\n';
    const encoded = encode1251(text);
    const { rows, errors, result } = await readAll(encoded, { chunk: 5 });
    assert.equal(result.encoding, 'windows-1251');
    assert.equal(result.delimiter, ';');
    assert.equal(result.columns!.format, 'bitrix24');
    assert.deepEqual(errors, []);
    assert.equal(rows[0]!.name, 'ООО «Ромашка»');
    assert.equal(rows[0]!.domain, domainToASCII('ромашка.рф'));
    assert.equal(rows[0]!.keys.nameCountry, 'romashka|RU');
  });

  it('drops NUL characters (no database text holds them) and reads empty-ish cells as empty', async () => {
    const { rows, errors } = await readAll(
      csv([
        ['name', 'domain', 'country', 'population'],
        ['Ro\u0000mashka', 'n/a', 'RU', 'Customer'],
      ]),
    );
    assert.deepEqual(errors, []);
    assert.equal(rows[0]!.name, 'Romashka');
    assert.equal(rows[0]!.domain, null);
    assert.deepEqual(rows[0]!.keys, { nameCountry: 'romashka|RU' });
  });

  it('reads countries as ISO codes or common English and Russian names, and reports unknown ones', async () => {
    const rows = [['name', 'country', 'population']];
    for (const country of ['ru', 'Russia', 'Россия', 'UK', 'Deutschland', 'ZZ', 'Narnia'])
      rows.push(['Acme', country, 'customer']);
    const { rows: good, errors } = await readAll(csv(rows));
    assert.deepEqual(
      good.map((r) => r.country),
      ['RU', 'RU', 'RU', 'GB', 'DE'],
    );
    assert.deepEqual(
      errors.map((e) => [e.line, e.column]),
      [
        [7, 'country'],
        [8, 'country'],
      ],
    );
    assert.match(errors[0]!.reason, /unknown country "ZZ"/);
  });

  it('refuses a file without a population column, naming the column and the header it found', async () => {
    await assert.rejects(
      readAll(
        csv([
          ['name', 'domain'],
          ['A', 'a.com'],
        ]),
      ),
      (e: DomainError) => {
        assert.deepEqual(invalidFields(e), ['file.columns.population']);
        assert.match(e.message, /missing required column population \(one of Population, Lifecycle Stage/);
        assert.match(e.message, /the header has "name", "domain"/);
        return true;
      },
    );
    await assert.rejects(
      readAll(
        csv([
          ['country', 'population'],
          ['RU', 'customer'],
        ]),
      ),
      (e: DomainError) => {
        assert.deepEqual(invalidFields(e), ['file.columns.name']);
        return true;
      },
    );
  });

  it('refuses malformed CSV, a file over the size limit, an empty file and broken UTF-8, naming where', async () => {
    await assert.rejects(
      readAll('name,population\n"Acme,customer\n'),
      /file: malformed CSV at line 2, column 1: a quoted field is never closed/,
    );
    await assert.rejects(
      readAll('name,population\nA"cme,customer\n'),
      /line 2, column 2: a quote inside an unquoted field/,
    );
    await assert.rejects(
      readAll(csv([['name', 'population']]) + 'x'.repeat(100), { maxBytes: 50 }),
      /file: is larger than the limit of 50 bytes/,
    );
    await assert.rejects(readAll(''), /file: is empty/);
    const broken = Buffer.concat([
      Buffer.from('name,population,country\nA,customer,RU\n'),
      encode1251('Б,customer,RU\n'),
    ]);
    await assert.rejects(readAll(broken, { chunk: 20 }), /not valid UTF-8.*windows-1251/);
  });
});
