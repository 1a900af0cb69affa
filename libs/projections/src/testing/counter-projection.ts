import { EntitySchema } from 'typeorm';
import { combineStatements, type Projection } from '../projection';

export interface EffectRow {
  event_id: string;
  stream_id: string;
  applied: number;
}

/**
 * A test read model that counts how many times each event's effect was applied: any count
 * above 1 is a duplicate effect. Events of type 'Poison' throw while `poisoned` is true.
 */
export const EffectEntity = new EntitySchema<EffectRow>({
  name: 'test_effects',
  columns: {
    event_id: { type: 'uuid', primary: true },
    stream_id: { type: 'text' },
    applied: { type: 'int' },
  },
});

export function counterProjection(
  name: string,
  contexts: string[],
  options: {
    poisoned?: () => boolean;
    /**
     * Written as Projection.oneStatementBatches: apply() only notes the event, endBatch()
     * counts the batch's events in one statement with the runner's writes.
     */
    oneStatement?: boolean;
  } = {},
): Projection {
  if (options.oneStatement) return oneStatementCounter(name, contexts, options);
  return {
    name,
    contexts,
    tables: ['test_effects'],
    entities: [EffectEntity],
    migrations: [
      {
        version: 1,
        name: 'test effects',
        sql: 'CREATE TABLE IF NOT EXISTS test_effects (event_id uuid PRIMARY KEY, stream_id text NOT NULL, applied int NOT NULL)',
      },
    ],
    async apply(event, manager) {
      // Write first, then maybe throw: a rolled-back batch must leave no trace of this write.
      const effects = manager.getRepository(EffectEntity);
      const row = await effects.findOneBy({ event_id: event.id });
      if (row) await effects.update({ event_id: event.id }, { applied: row.applied + 1 });
      else await effects.insert({ event_id: event.id, stream_id: event.streamId, applied: 1 });
      if (event.type === 'Poison' && (options.poisoned?.() ?? true)) {
        throw new Error('cannot apply a Poison event');
      }
    },
  };
}

function oneStatementCounter(
  name: string,
  contexts: string[],
  options: { poisoned?: () => boolean },
): Projection {
  // The batch's events, noted by apply() and written by endBatch(); a failed batch must drop
  // them (abortBatch), or the next batch would count them again.
  let pending: Array<{ id: string; stream: string }> = [];
  const base = counterProjection(name, contexts);
  return {
    ...base,
    oneStatementBatches: true,
    async apply(event) {
      pending.push({ id: event.id, stream: event.streamId });
      if (event.type === 'Poison' && (options.poisoned?.() ?? true)) {
        throw new Error('cannot apply a Poison event');
      }
    },
    async endBatch(manager, runnerWrites) {
      const list = pending;
      pending = [];
      const { sql, params } = combineStatements([
        {
          sql: `INSERT INTO test_effects (event_id, stream_id, applied)
                SELECT i, s, 1 FROM unnest($1::uuid[], $2::text[]) AS t(i, s)
                ON CONFLICT (event_id) DO UPDATE SET applied = test_effects.applied + 1`,
          params: [list.map((e) => e.id), list.map((e) => e.stream)],
        },
        ...runnerWrites,
      ]);
      await manager.query(sql, params);
    },
    abortBatch() {
      pending = [];
    },
  };
}
