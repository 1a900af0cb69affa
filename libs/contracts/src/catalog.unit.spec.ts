import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  ContractViolationCode,
  ContractViolationError,
  EVENT_TYPES,
  eventCatalog,
  eventMetadataSchema,
  isKnownEventType,
  parseEventData,
  type EventType,
} from './catalog';
import { sampleEventData, sampleMessageValue, sampleMetadata } from './catalog/samples';
import { renderJsonSchemaFiles } from './json-schema';
import { topicOf } from './envelope';

/** The starting event catalog, as listed in DESIGN.md. */
const DESIGN_CATALOG: Record<string, readonly string[]> = {
  partners: [
    'PartnerRegistered',
    'PartnerProfileUpdated',
    'PartnerJourneyStageReached',
    'OnboardingStepCompleted',
    'PartnerTierChanged',
    'PamAssigned',
    'CertificationGranted',
    'CertificationExpired',
    'TrainingCompleted',
    'MdfAllocated',
    'MdfSpent',
    'PartnerChurned',
    'IdealPartnerProfileDefined',
  ],
  deals: [
    'DealRegistered',
    'DealConflictDetected',
    'DealRegistrationApproved',
    'DealRegistrationRejected',
    'DealRegistrationExpired',
    'DealStageChanged',
    'DealInfluenceRecorded',
    'DealWon',
    'DealLost',
    'CommissionAccrued',
    'CustomerClassified',
  ],
  mapping: ['AccountListImported', 'SharingPolicyChanged', 'OverlapsComputed'],
  metrics: ['PartnerScorecardUpdated', 'PartnerQuadrantChanged'],
};

/** Event types added after DESIGN.md's starting catalog, by context (add, never change). */
const ADDED_SINCE_DESIGN: Record<string, readonly string[]> = {
  partners: [
    'PartnerReactivated',
    'OnboardingChecklistAssigned',
    'PamOverCapacity',
    'PartnerProgramDefined',
    // issue 21, items 9, 10, 11, 16 (partner signals)
    'PamCapacitySet',
    'PamLoadReviewed',
    'PartnerDormancyDetected',
    'PartnerProfileChangeProposed',
    'OnboardingStepSubmitted',
    'MdfSpendClaimed',
  ],
  deals: [
    'DealCoSellerAssigned',
    'DealProtectionExtensionRequested',
    'DealProtectionExtended',
    'DealProtectionExtensionRejected',
    'CommissionApproved',
    'CommissionPaid',
    'CommissionCorrected',
    'ExchangeRateRecorded',
    'DealPolicyDefined',
    'DealProtectionLapsed',
    'DealProtectionRevoked',
  ],
  metrics: ['ScoringClockTicked'],
};

const SCHEMAS_DIR = join(__dirname, '..', 'schemas');

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Runs parseEventData and returns the ContractViolationError it must throw. */
function violation(type: string, data: unknown, schemaVersion = 1): ContractViolationError {
  try {
    parseEventData(type, schemaVersion, data);
  } catch (error) {
    assert.ok(
      error instanceof ContractViolationError,
      `expected ContractViolationError, got ${String(error)}`,
    );
    return error;
  }
  assert.fail(`${type}: expected the data to be rejected`);
}

describe('event catalog', () => {
  it('has every event type of DESIGN.md (and those added since), in its context', () => {
    for (const [context, types] of [
      ...Object.entries(DESIGN_CATALOG),
      ...Object.entries(ADDED_SINCE_DESIGN),
    ]) {
      for (const type of types) {
        assert.ok(isKnownEventType(type), `${type} is missing from the catalog`);
        assert.equal(eventCatalog[type].context, context, `${type} belongs to ${context}`);
        assert.equal(eventCatalog[type].type, type);
        assert.equal(eventCatalog[type].schemaVersion, 1);
        assert.ok(eventCatalog[type].description.length > 10, `${type} needs a description`);
      }
    }
    assert.equal(
      EVENT_TYPES.length,
      [...Object.values(DESIGN_CATALOG), ...Object.values(ADDED_SINCE_DESIGN)].flat().length,
    );
  });

  it('tells known from unknown event types', () => {
    assert.equal(isKnownEventType('DealWon'), true);
    assert.equal(isKnownEventType('DealWonn'), false);
    assert.equal(isKnownEventType('toString'), false);
  });

  it('accepts the sample data of every event type and returns it unchanged', () => {
    for (const type of EVENT_TYPES) {
      const data = sampleEventData[type];
      assert.deepEqual(parseEventData(type, 1, clone(data)), data, type);
    }
  });

  it('drops unknown fields, so a newer producer’s additions do not break an older reader', () => {
    const data = { ...clone(sampleEventData.PamAssigned), addedLater: 'x' };
    assert.deepEqual(parseEventData('PamAssigned', 1, data), sampleEventData.PamAssigned);
  });

  it('describes every data field, so the JSON Schema documents itself', () => {
    const files = renderJsonSchemaFiles();
    for (const type of EVENT_TYPES) {
      const schema = JSON.parse(files.get(`${eventCatalog[type].context}/${type}.v1.json`)!) as {
        properties: { data: { properties: Record<string, { description?: string }> } };
      };
      for (const [field, property] of Object.entries(schema.properties.data.properties)) {
        assert.ok(property.description, `${type}.data.${field} has no description`);
      }
    }
  });
});

describe('parseEventData rejects data that breaks the contract', () => {
  it('names the event type and a missing field', () => {
    const data: Record<string, unknown> = clone(sampleEventData.PartnerRegistered);
    delete data.legalName;
    const error = violation('PartnerRegistered', data);
    assert.equal(error.code, ContractViolationCode.InvalidData);
    assert.equal(error.eventType, 'PartnerRegistered');
    assert.deepEqual(
      error.issues.map((i) => i.path),
      ['legalName'],
    );
    assert.match(error.message, /PartnerRegistered/);
    assert.match(error.message, /legalName/);
  });

  it('names a field with a value outside its enum', () => {
    const error = violation('PartnerRegistered', {
      ...clone(sampleEventData.PartnerRegistered),
      type: 'vendor',
    });
    assert.match(error.message, /PartnerRegistered v1: invalid data: type: /);
    assert.match(error.message, /integrator/);
  });

  it('names a nested field with a bad currency', () => {
    const data = clone(sampleEventData.DealRegistered);
    data.estimatedValue.currency = 'rub';
    const error = violation('DealRegistered', data);
    assert.match(error.message, /DealRegistered/);
    assert.match(error.message, /estimatedValue\.currency: must be an ISO 4217 currency code/);
  });

  it('rejects a negative amount, and a float instead of a decimal string', () => {
    const negative = clone(sampleEventData.MdfAllocated);
    negative.amount.amount = '-500.00';
    assert.match(
      violation('MdfAllocated', negative).message,
      /MdfAllocated v1: invalid data: amount\.amount: /,
    );

    const float: Record<string, unknown> = clone(sampleEventData.DealWon);
    float.wonValue = { amount: 2500000.5, currency: 'RUB' };
    assert.match(violation('DealWon', float).message, /wonValue\.amount/);
  });

  it('names array elements and every failing field', () => {
    const data = clone(sampleEventData.DealRegistered);
    data.products = ['crm-enterprise', 'Not A Slug'];
    data.customer.country = 'Russia';
    const error = violation('DealRegistered', data);
    assert.deepEqual(error.issues.map((i) => i.path).sort(), ['customer.country', 'products[1]']);
    assert.match(error.message, /products\[1\]/);
    assert.match(error.message, /customer\.country/);
  });

  it('checks the shape of a Russian INN', () => {
    const data = clone(sampleEventData.PartnerRegistered);
    data.taxId = { scheme: 'RU_INN', value: '12345' };
    assert.match(violation('PartnerRegistered', data).message, /taxId\.value: must be a Russian INN/);
  });

  it('rejects dates and ids that are not ISO / UUID', () => {
    const data = clone(sampleEventData.PartnerJourneyStageReached);
    data.reachedAt = '10.02.2025';
    data.partnerId = 'partner-1';
    const error = violation('PartnerJourneyStageReached', data);
    assert.deepEqual(error.issues.map((i) => i.path).sort(), ['partnerId', 'reachedAt']);
  });

  it('rejects data that is not an object at all', () => {
    assert.match(violation('DealWon', null).message, /DealWon v1: invalid data: \(root\)/);
  });

  it('rejects an unknown event type and an unsupported schema version', () => {
    assert.equal(violation('PartnerHired', {}).code, ContractViolationCode.UnknownEventType);
    assert.match(violation('PartnerHired', {}).message, /PartnerHired/);
    const error = violation('DealWon', sampleEventData.DealWon, 2);
    assert.equal(error.code, ContractViolationCode.UnsupportedSchemaVersion);
    assert.match(error.message, /DealWon: schema version 2/);
  });
});

describe('eventMetadataSchema', () => {
  it('accepts envelope metadata, extra keys included', () => {
    assert.equal(eventMetadataSchema.safeParse(sampleMetadata).success, true);
    const withTrace = { ...sampleMetadata, causationId: 'cmd-1', traceparent: '00-abc-def-01' };
    assert.deepEqual(eventMetadataSchema.parse(withTrace), withTrace);
  });

  it('rejects a missing correlation id and a non-UTC occurredAt', () => {
    const result = eventMetadataSchema.safeParse({
      causationId: null,
      actor: 'user:1',
      occurredAt: '2025-06-15 10:00',
    });
    assert.equal(result.success, false);
    assert.deepEqual(result.error?.issues.map((i) => i.path.join('.')).sort(), [
      'correlationId',
      'occurredAt',
    ]);
  });
});

describe('published JSON Schema files', () => {
  const generated = renderJsonSchemaFiles();

  it('are up to date: regenerate with `npm run build && npm run export-schemas` in libs/contracts', () => {
    for (const [file, content] of generated) {
      const path = join(SCHEMAS_DIR, file);
      assert.ok(existsSync(path), `${file} is missing from schemas/: regenerate the schemas`);
      assert.equal(readFileSync(path, 'utf8'), content, `${file} is stale: regenerate the schemas`);
    }
  });

  it('hold no file the catalog does not produce, except older versions of a current event', () => {
    for (const context of readdirSync(SCHEMAS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const name of readdirSync(join(SCHEMAS_DIR, context.name))) {
        const file = `${context.name}/${name}`;
        if (generated.has(file)) continue;
        const match = /^([A-Za-z]+)\.v(\d+)\.json$/.exec(name);
        assert.ok(match, `unexpected file schemas/${file}`);
        const [, type, version] = match;
        assert.ok(
          isKnownEventType(type!) && Number(version) < eventCatalog[type as EventType].schemaVersion,
          `schemas/${file} belongs to no event of the catalog`,
        );
      }
    }
  });

  it('index.json lists every event with its topic and file', () => {
    const index = JSON.parse(generated.get('index.json')!) as {
      events: { type: string; context: string; topic: string; file: string; schemaVersion: number }[];
    };
    assert.deepEqual(
      index.events.map((e) => e.type),
      [...EVENT_TYPES],
    );
    for (const event of index.events) {
      assert.equal(event.topic, topicOf(event.context));
      assert.ok(generated.has(event.file), `${event.file} is listed but not generated`);
    }
  });

  it('validate real message values with a standard JSON Schema validator (as BI would)', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    for (const type of EVENT_TYPES) {
      const file = `${eventCatalog[type].context}/${type}.v${eventCatalog[type].schemaVersion}.json`;
      const validate = ajv.compile(JSON.parse(readFileSync(join(SCHEMAS_DIR, file), 'utf8')) as object);
      const value = JSON.parse(JSON.stringify(sampleMessageValue(type))) as Record<string, unknown>;
      assert.ok(validate(value), `${type}: ${ajv.errorsText(validate.errors)}`);

      const addedLater = { ...value, data: { ...(value.data as object), addedLater: 1 }, addedLater: true };
      assert.ok(validate(addedLater), `${type}: an added field must not break readers`);

      assert.equal(validate({ ...value, type: 'SomethingElse' }), false, `${type}: type is a const`);
      assert.equal(validate({ ...value, globalPosition: 12 }), false, `${type}: globalPosition is a string`);
      assert.equal(validate({ ...value, data: {} }), false, `${type}: data fields are required`);
    }
  });

  it('reject what parseEventData rejects (both come from the same schema)', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(
      JSON.parse(readFileSync(join(SCHEMAS_DIR, 'partners/MdfSpent.v1.json'), 'utf8')) as object,
    );
    const value = JSON.parse(JSON.stringify(sampleMessageValue('MdfSpent'))) as { data: { amount: object } };
    value.data.amount = { amount: '-1', currency: 'RUB' };
    assert.equal(validate(value), false);
    value.data.amount = { amount: '1', currency: 'rub' };
    assert.equal(validate(value), false);
  });
});
