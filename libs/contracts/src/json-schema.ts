import { z } from 'zod';
import { KafkaHeaders, topicOf } from './envelope';
import { EVENT_TYPES, eventCatalog, messageValueSchema, type EventType } from './catalog';

/*
 * Renders the published JSON Schema files (draft 2020-12) from the catalog. Pure: it returns
 * file contents; `export-json-schema.ts` writes them and the drift spec compares them with
 * the committed copies, so the two can never disagree about the format.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Object keys sorted at every level, so the files do not depend on how zod orders them. */
function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(value[key] as Json);
    return sorted;
  }
  return value;
}

/** 2-space indent, trailing newline. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(JSON.parse(JSON.stringify(value)) as Json), null, 2)}\n`;
}

/** `partners/PartnerRegistered.v1.json`, relative to the schemas folder. */
export function schemaFileOf(type: EventType): string {
  const definition = eventCatalog[type];
  return `${definition.context}/${type}.v${definition.schemaVersion}.json`;
}

/** JSON Schema of the whole Kafka message value of one event type. */
export function messageJsonSchema(type: EventType): Record<string, unknown> {
  // io 'input' leaves objects open (no additionalProperties: false): fields are added
  // within a schema version, and a reader validating with an older file must accept them.
  return z.toJSONSchema(messageValueSchema(eventCatalog[type]), {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'throw',
  }) as Record<string, unknown>;
}

/** The catalog index BI reads first: every event with its topic and schema file. */
export function catalogIndex() {
  return {
    description:
      'PRM event catalog. Each event is published to its context topic as a JSON message value ' +
      'described by its schema file; the message key is the stream id.',
    messageKey: 'streamId',
    headers: { ...KafkaHeaders },
    events: EVENT_TYPES.map((type) => {
      const definition = eventCatalog[type];
      return {
        type,
        context: definition.context,
        topic: topicOf(definition.context),
        schemaVersion: definition.schemaVersion,
        file: schemaFileOf(type),
        description: definition.description,
      };
    }),
  };
}

/** Every file to publish: path relative to the schemas folder -> content. */
export function renderJsonSchemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  files.set('index.json', stableJson(catalogIndex()));
  for (const type of EVENT_TYPES) files.set(schemaFileOf(type), stableJson(messageJsonSchema(type)));
  return files;
}
