import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AT,
  checklistAssigned,
  given,
  PARTNER_ID,
  registerCommand,
  registered,
  registeredPartner,
  refused,
  stageReached,
} from './testing/partner.fixtures';

describe('RegisterPartner', () => {
  it('registers the partner with a normalized domain and INN, the default checklist, and starts at prospect', () => {
    given([])
      .when(registerCommand())
      .then([registered, checklistAssigned, stageReached('prospect', null, AT)]);
  });

  it('takes the checklist of the partner’s program when the command has one', () => {
    const checklist = [
      { step: 'contract', name: 'Contract signed', required: true },
      { step: 'sandbox', name: 'Sandbox set up', required: false },
    ];
    given([])
      .when(registerCommand({ checklist }))
      .then([
        registered,
        { type: 'OnboardingChecklistAssigned', data: { partnerId: PARTNER_ID, steps: checklist } },
        stageReached('prospect', null, AT),
      ]);
  });

  it('stores another country’s tax id as given (trimmed), and an IDN domain as punycode, without a region', () => {
    const { region: _region, ...data } = registered.data;
    given([])
      .when(registerCommand({ country: 'DE', region: '  ', taxId: ' DE123456789 ', website: 'пример.рф' }))
      .then([
        {
          type: 'PartnerRegistered',
          data: {
            ...data,
            country: 'DE',
            taxId: { scheme: 'OTHER', value: 'DE123456789' },
            websiteDomain: 'xn--e1afmkfd.xn--p1ai',
          },
        },
        checklistAssigned,
        stageReached('prospect', null, AT),
      ]);
  });

  it('accepts a 12-digit INN of an individual entrepreneur', () => {
    const events = given([]).when(registerCommand({ taxId: '500100732259' }));
    events.then([
      {
        type: 'PartnerRegistered',
        data: { ...registered.data, taxId: { scheme: 'RU_INN', value: '500100732259' } },
      },
      checklistAssigned,
      stageReached('prospect', null, AT),
    ]);
  });

  it('refuses a second registration of the same partner with ALREADY_EXISTS', () => {
    const error = refused(registeredPartner, registerCommand(), 'ALREADY_EXISTS', /already registered/);
    assert.equal(error.details.existingPartnerId, PARTNER_ID);
  });

  it('refuses an INN whose check digit is wrong, naming taxId', () => {
    const error = refused(
      [],
      registerCommand({ taxId: '7701234561' }),
      'INVALID_ARGUMENT',
      /taxId: .*check digit/,
    );
    assert.deepEqual(
      error.violations.map((v) => v.field),
      ['taxId'],
    );
  });

  it('refuses an INN of the wrong length', () => {
    refused([], registerCommand({ taxId: '12345' }), 'INVALID_ARGUMENT', /taxId/);
  });

  it('collects every bad field at once', () => {
    const error = refused(
      [],
      registerCommand({
        partnerId: 'p-1',
        legalName: '  ',
        country: 'ru',
        website: 'not a domain',
        type: 'vendor',
        employeeCount: -1,
        salesReps: 2.5,
        clientSegments: ['giants'],
        specializations: [''],
        at: 'yesterday',
      }),
      'INVALID_ARGUMENT',
      /legalName: must not be empty/,
    );
    assert.deepEqual(
      error.violations.map((v) => v.field),
      [
        'partnerId',
        'legalName',
        'country',
        'website',
        'type',
        'employeeCount',
        'salesReps',
        'specializations[0]',
        'clientSegments[0]',
        'at',
      ],
    );
    assert.match(error.message, /type: must be one of integrator, reseller, msp, distributor, referral/);
    assert.match(error.message, /employeeCount: must be a non-negative integer/);
  });

  it('refuses self-reported counts out of range (issue 22): a trillion employees, a billion sales reps', () => {
    refused(
      [],
      registerCommand({ employeeCount: 1e12, salesReps: 1e9 }),
      'INVALID_ARGUMENT',
      /employeeCount: must be a whole number from 0 to 10000000 \(got 1000000000000\); salesReps: must be a whole number from 0 to 1000000/,
    );
  });

  it('refuses more sales reps than employees', () => {
    refused(
      [],
      registerCommand({ employeeCount: 5, salesReps: 6 }),
      'INVALID_ARGUMENT',
      /salesReps: must not exceed employeeCount/,
    );
  });

  it('refuses a lower-case or three-letter country code', () => {
    refused(
      [],
      registerCommand({ country: 'RUS' }),
      'INVALID_ARGUMENT',
      /country: must be an ISO 3166-1 alpha-2/,
    );
  });

  it('refuses an empty website', () => {
    refused([], registerCommand({ website: '' }), 'INVALID_ARGUMENT', /website: must not be empty/);
  });

  it('refuses a checklist with a repeated or malformed step', () => {
    const error = refused(
      [],
      registerCommand({
        checklist: [
          { step: 'contract', name: 'Contract', required: true },
          { step: 'contract', name: 'Again', required: true },
          { step: 'Demo Access', name: '', required: true },
        ],
      }),
      'INVALID_ARGUMENT',
      /checklist\[1\]\.step: "contract" is listed twice/,
    );
    assert.deepEqual(
      error.violations.map((v) => v.field),
      ['checklist[1].step', 'checklist[2].step', 'checklist[2].name'],
    );
  });

  it('refuses any other command before the partner is registered (NOT_FOUND)', () => {
    refused(
      [],
      { type: 'AdvanceJourney', data: { stage: 'contacted', at: AT } },
      'NOT_FOUND',
      /not registered/,
    );
  });
});
