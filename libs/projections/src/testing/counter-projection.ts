import { EntitySchema } from 'typeorm';
import type { Projection } from '../projection';

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
  options: { poisoned?: () => boolean } = {},
): Projection {
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
