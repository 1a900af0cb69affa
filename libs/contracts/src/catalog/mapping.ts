import { z } from 'zod';
import { AccountPopulation, Count, Id, ShareLevel } from './common';

/*
 * Data schemas of the mapping context. These events go to BI and to every consumer, so they
 * carry counts only, never accounts: account lists stay inside the mapping service.
 */

const populationCounts = (what: string) =>
  z
    .object({
      customer: Count.describe(`${what} with status customer.`),
      opportunity: Count.describe(`${what} with status opportunity.`),
      prospect: Count.describe(`${what} with status prospect.`),
    })
    .describe(`${what} per CRM status.`);

const owner = z
  .enum(['vendor', 'partner'])
  .describe('Whose list or policy this is: the vendor’s or the partner’s.');

export const AccountListImportedData = z.object({
  listId: Id.describe('The imported account list (aggregate id, UUID).'),
  owner,
  partnerId: Id.nullable().describe('The partner that owns the list; null for the vendor’s own list.'),
  replacesListId: Id.nullable().optional().describe('The list this import replaces, if any.'),
  source: z
    .enum(['csv', 'crm_api', 'manual'])
    .describe('How the list arrived: csv upload, crm_api sync, manual entry.'),
  accountCount: Count.describe('Accounts accepted.'),
  rejectedCount: Count.describe('Rows rejected (no usable domain, tax id or name).'),
  populations: populationCounts('Accepted accounts'),
  keyCoverage: z
    .object({
      domain: Count.describe('Accounts with a usable web domain.'),
      taxId: Count.describe('Accounts with a tax id.'),
      name: Count.describe('Accounts with a normalized name.'),
    })
    .optional()
    .describe('How many accepted accounts carry each matching key.'),
  importId: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'The client’s id of this import (ImportOptions.import_id or `idempotency-key`), when it gave one: ' +
        'the same id sent again is answered from this event, not imported twice.',
    ),
});

export const SharingPolicyChangedData = z.object({
  partnerId: Id.describe(
    'The partner whose mapping with the vendor this policy governs (aggregate id, UUID).',
  ),
  side: owner,
  populations: z
    .object({
      customer: ShareLevel.describe('What this side shares of its customers.'),
      opportunity: ShareLevel.describe('What this side shares of its opportunities.'),
      prospect: ShareLevel.describe('What this side shares of its prospects.'),
    })
    .describe('The new share level per population of this side’s accounts.'),
});

export const OverlapsComputedData = z.object({
  partnerId: Id.describe('The partner the vendor was mapped against (aggregate id, UUID).'),
  computationId: Id.describe('This computation, UUID.'),
  vendorListId: Id.describe('The vendor account list used.'),
  partnerListId: Id.describe('The partner account list used.'),
  vendorAccountCount: Count.describe('Accounts in the vendor list.'),
  partnerAccountCount: Count.describe('Accounts in the partner list.'),
  cells: z
    .array(
      z.object({
        vendorPopulation: AccountPopulation.describe('Status of the account in the vendor’s CRM.'),
        partnerPopulation: AccountPopulation.describe('Status of the account in the partner’s CRM.'),
        count: Count.describe('Accounts in both lists with these two statuses.'),
      }),
    )
    .describe(
      'The overlap matrix, one cell per (vendor status, partner status), counts only; e.g. vendor prospect × ' +
        'partner customer = accounts the partner can introduce.',
    ),
  matchedOn: z
    .object({
      domain: Count.describe('Matches found by web domain.'),
      taxId: Count.describe('Matches found by tax id.'),
      name: Count.describe('Matches found by normalized name only.'),
    })
    .optional()
    .describe('How many matches each key found (a match counts once, under the strongest key).'),
});
