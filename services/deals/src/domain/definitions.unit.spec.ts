import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '@prm/domain';
import { classifyCustomer, dealPolicy, exchangeRate, requireVendorAdmin } from './definitions';
import { CUSTOMER_ID, VALID_INN } from './testing/deal.fixtures';

/** Runs `fn`, expects an INVALID_ARGUMENT DomainError and returns its violation fields. */
function invalidFields(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof DomainError, String(error));
    assert.equal(error.code, 'INVALID_ARGUMENT');
    return error.violations.map((v) => v.field);
  }
  assert.fail('expected INVALID_ARGUMENT');
}

describe('classifyCustomer', () => {
  it('records the class with the customer normalized, its match keys and trimmed notes', () => {
    assert.deepEqual(
      classifyCustomer(
        {
          customerId: CUSTOMER_ID,
          name: ' ООО «Ромашка» ',
          domain: 'WWW.Romashka.ru',
          taxId: ` ${VALID_INN} `,
          country: 'ru',
          customerClass: 'A',
          accountOwner: ' user:owner-olga ',
          reason: ' strategic account ',
        },
        'B',
        3,
      ),
      {
        customerId: CUSTOMER_ID,
        customerName: 'ООО «Ромашка»',
        domain: 'romashka.ru',
        taxId: { scheme: 'RU_INN', value: VALID_INN },
        country: 'RU',
        customerKeys: { domain: 'romashka.ru', taxId: `RU_INN:${VALID_INN}`, nameCountry: 'romashka|RU' },
        customerClass: 'A',
        previousClass: 'B',
        accountOwner: 'user:owner-olga',
        reason: 'strategic account',
        openDealCount: 3,
      },
    );
  });

  it('leaves out what is not given: a first classification by domain only', () => {
    assert.deepEqual(
      classifyCustomer(
        {
          customerId: CUSTOMER_ID,
          name: 'Acme Inc.',
          domain: 'acme.example',
          country: 'US',
          customerClass: 'C',
        },
        null,
        0,
      ),
      {
        customerId: CUSTOMER_ID,
        customerName: 'Acme Inc.',
        domain: 'acme.example',
        country: 'US',
        customerKeys: { domain: 'acme.example', nameCountry: 'acme|US' },
        customerClass: 'C',
        previousClass: null,
        openDealCount: 0,
      },
    );
  });

  it('reports every bad field together', () => {
    assert.deepEqual(
      invalidFields(() =>
        classifyCustomer(
          {
            customerId: CUSTOMER_ID,
            name: '  ',
            country: 'Russia',
            customerClass: 'D',
            accountOwner: 'x'.repeat(201),
            reason: 'y'.repeat(2001),
          },
          null,
          0,
        ),
      ),
      ['name', 'country', 'domain', 'customerClass', 'accountOwner', 'reason'],
    );
  });

  it('refuses a bad domain and an INN with a wrong check digit', () => {
    assert.deepEqual(
      invalidFields(() =>
        classifyCustomer(
          {
            customerId: CUSTOMER_ID,
            name: 'Ромашка',
            domain: 'romashka',
            taxId: '7701234561',
            country: 'RU',
            customerClass: 'B',
          },
          null,
          0,
        ),
      ),
      ['domain', 'taxId'],
    );
  });

  it('refuses the pseudo country code ZZ ("Unknown Region")', () => {
    assert.deepEqual(
      invalidFields(() =>
        classifyCustomer(
          {
            customerId: CUSTOMER_ID,
            name: 'Acme',
            domain: 'acme.example',
            country: 'ZZ',
            customerClass: 'C',
          },
          null,
          0,
        ),
      ),
      ['country'],
    );
  });
});

describe('exchangeRate', () => {
  it('records a rate with the currencies in upper case', () => {
    assert.deepEqual(exchangeRate({ from: ' rub', to: 'usd ', rate: '0.0105', effectiveOn: '2025-05-19' }), {
      from: 'RUB',
      to: 'USD',
      rate: '0.0105',
      effectiveOn: '2025-05-19',
    });
  });

  it('refuses a rate into the same currency', () => {
    assert.deepEqual(
      invalidFields(() => exchangeRate({ from: 'RUB', to: 'rub', rate: '1', effectiveOn: '2025-05-19' })),
      ['to'],
    );
  });

  it('reports unknown currencies, a zero rate and a bad date together', () => {
    assert.deepEqual(
      invalidFields(() => exchangeRate({ from: 'XXQ', to: 'ABC', rate: '0', effectiveOn: '2025-13-01' })),
      ['from', 'to', 'rate', 'effectiveOn'],
    );
  });

  it('refuses a rate with more than six decimals or a negative one', () => {
    for (const rate of ['0.0000001', '-1', '1,5'])
      assert.deepEqual(
        invalidFields(() => exchangeRate({ from: 'RUB', to: 'USD', rate, effectiveOn: '2025-05-19' })),
        ['rate'],
        rate,
      );
  });
});

describe('dealPolicy', () => {
  it('defines a program’s protection window and maximum extension, at the bounds too', () => {
    assert.deepEqual(dealPolicy({ program: 'default', protectionDays: 90, maxExtensionDays: 60 }), {
      program: 'default',
      protectionDays: 90,
      maxExtensionDays: 60,
    });
    assert.deepEqual(dealPolicy({ program: 'gold-2025', protectionDays: 730, maxExtensionDays: 0 }), {
      program: 'gold-2025',
      protectionDays: 730,
      maxExtensionDays: 0,
    });
    assert.equal(dealPolicy({ program: 'p', protectionDays: 1, maxExtensionDays: 365 }).protectionDays, 1);
  });

  it('refuses a bad program key and out-of-range or fractional days', () => {
    assert.deepEqual(
      invalidFields(() =>
        dealPolicy({ program: 'Default Program', protectionDays: 0, maxExtensionDays: 366 }),
      ),
      ['program', 'protectionDays', 'maxExtensionDays'],
    );
    assert.deepEqual(
      invalidFields(() => dealPolicy({ program: 'default', protectionDays: 731, maxExtensionDays: -1 })),
      ['protectionDays', 'maxExtensionDays'],
    );
    assert.deepEqual(
      invalidFields(() => dealPolicy({ program: 'default', protectionDays: 90.5, maxExtensionDays: 1.5 })),
      ['protectionDays', 'maxExtensionDays'],
    );
  });
});

describe('requireVendorAdmin', () => {
  it('lets a vendor admin and the service through and refuses everyone else', () => {
    requireVendorAdmin('vendor_admin', 'define deal policies');
    requireVendorAdmin('service', 'define deal policies');
    for (const role of ['pam', 'partner_user', 'direct_sales'])
      assert.throws(
        () => requireVendorAdmin(role, 'define deal policies'),
        (error: unknown) =>
          error instanceof DomainError &&
          error.code === 'PERMISSION_DENIED' &&
          /only a vendor admin may define deal policies/.test(error.message),
      );
  });
});
