import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '@prm/domain';
import type { CsvReadProgress, CsvReadResult, RowError } from '../domain';
import { thousandRowsWithTwentyBad } from '../testing/account-lists';
import type { AccountBatch } from './account-list.repository';
import { csvBatchesInThread, csvBatchesInWorker, workerAvailable } from './csv-batches';
import { MatchKeyHasher } from './match-key-hasher';

const SECRET = 'test-deployment-secret-0123456789';

async function collect(
  batches: AsyncGenerator<AccountBatch>,
  sink: { rejected: RowError[]; progress?: CsvReadProgress },
) {
  const lines: number[] = [];
  const keys: number[] = [];
  const names: Array<string | null> = [];
  for await (const batch of batches) {
    lines.push(...batch.line);
    keys.push(...batch.keys);
    names.push(...(batch.name ?? []));
  }
  return { lines, keys, names, rejected: sink.rejected, progress: sink.progress };
}

function read(mode: 'thread' | 'worker', chunks: Iterable<Uint8Array>, privacyMode = false) {
  const sink = { rejected: [] as RowError[], progress: undefined as CsvReadProgress | undefined };
  const result: Partial<CsvReadResult> = {};
  const options = { encoding: 'auto' as const, maxBytes: 1e9, privacyMode, secret: SECRET };
  const s = {
    progress: (p: CsvReadProgress) => (sink.progress = p),
    rejected: (e: readonly RowError[]) => sink.rejected.push(...e),
    result,
  };
  const batches =
    mode === 'worker'
      ? csvBatchesInWorker(chunks, options, s)
      : csvBatchesInThread(chunks, options, s, new MatchKeyHasher(SECRET));
  return { collected: collect(batches, sink), result };
}

/** Pieces of one Buffer that share its memory, the way network reads arrive. */
function* pieces(buffer: Buffer, size: number): Generator<Uint8Array> {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}

describe('CSV batches on a worker thread', { skip: workerAvailable() ? false : 'worker not built' }, () => {
  it('gives exactly what the in-thread reader gives, from chunks that share one buffer', async () => {
    const file = Buffer.from(thousandRowsWithTwentyBad().text);
    const inThread = await read('thread', pieces(file, 777)).collected;
    const onWorker = read('worker', pieces(file, 777));
    assert.deepEqual(await onWorker.collected, inThread);
    assert.equal(inThread.lines.length, 980);
    assert.equal(inThread.rejected.length, 20);
    assert.equal(onWorker.result.columns?.format, 'generic');
    assert.equal(onWorker.result.encoding, 'utf-8');
    assert.equal(
      file.length,
      Buffer.from(thousandRowsWithTwentyBad().text).length,
      'the caller’s buffer is intact',
    );
    assert.equal(file.toString('utf8'), thousandRowsWithTwentyBad().text);
  });

  it('keeps raw values off the batches in privacy mode', async () => {
    const file = Buffer.from(thousandRowsWithTwentyBad().text);
    const onWorker = await read('worker', pieces(file, 4096), true).collected;
    assert.equal(onWorker.names.length, 0);
    assert.equal(onWorker.lines.length, 980);
  });

  it('carries the variant name keys (other spellings) of a row like the in-thread reader', async () => {
    const file = Buffer.from(
      'name,population,country\nООО «Яндекс»,customer,RU\nAcme,customer,RU\nХабр,prospect,RU\n',
    );
    const variants = async (mode: 'thread' | 'worker') => {
      const sink = { rejected: [] as RowError[] };
      const options = { encoding: 'auto' as const, maxBytes: 1e9, privacyMode: false, secret: SECRET };
      const s = {
        progress: () => undefined,
        rejected: (e: readonly RowError[]) => sink.rejected.push(...e),
        result: {},
      };
      const batches =
        mode === 'worker'
          ? csvBatchesInWorker([file], options, s)
          : csvBatchesInThread([file], options, s, new MatchKeyHasher(SECRET));
      const out: number[] = [];
      for await (const b of batches) out.push(...(b.variantRow ?? []), ...(b.variantKeys ?? []));
      return out;
    };
    const inThread = await variants('thread');
    // Яндекс: yandex and iandeks besides yandeks (row 0); Хабр: habr besides khabr (row 2).
    assert.deepEqual(inThread.slice(0, 3), [0, 0, 2]);
    assert.equal(inThread.length, 3 + 6);
    assert.deepEqual(await variants('worker'), inThread);
  });

  it('passes a refused file back as the same DomainError, naming the field', async () => {
    const bad = Buffer.from('name,population,country\nAcme,customer,RU\n"open,customer,RU\n');
    await assert.rejects(read('worker', pieces(bad, 10)).collected, (e: DomainError) => {
      assert.ok(e instanceof DomainError);
      assert.equal(e.code, 'INVALID_ARGUMENT');
      assert.deepEqual(
        e.violations.map((v) => v.field),
        ['file'],
      );
      assert.match(e.message, /malformed CSV at line 3, column 1/);
      return true;
    });
  });

  it('stops when the source fails and reports the source’s error', async () => {
    function* failing(): Generator<Uint8Array> {
      yield Buffer.from('name,population,country\nAcme,customer,RU\n');
      throw DomainError.invalid([{ field: 'header', reason: 'only the first message carries the header' }]);
    }
    await assert.rejects(read('worker', failing()).collected, /only the first message carries the header/);
  });
});
