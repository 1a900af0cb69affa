/** The three CRM statuses an account can have, strongest first (codes 0, 1, 2 in packed lists). */
export const POPULATIONS = ['customer', 'opportunity', 'prospect'] as const;
export type Population = (typeof POPULATIONS)[number];
export type PopulationCode = 0 | 1 | 2;

export const populationCode = (p: Population): PopulationCode => POPULATIONS.indexOf(p) as PopulationCode;

/** Lower case, punctuation and underscores to single spaces: "Customer - Direct" → "customer direct". */
const simplify = (value: string): string =>
  value
    .normalize('NFKC')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/**
 * Population values as CRMs export them (compared after `simplify`). Salesforce Account.Type,
 * HubSpot lifecycle stage (labels and internal values), Bitrix24 / amoCRM company types, and
 * the generic values. Anything else is reported per row; it is never guessed.
 */
const VALUES: Readonly<Record<string, Population>> = {
  // generic
  customer: 'customer',
  opportunity: 'opportunity',
  prospect: 'prospect',
  client: 'customer',
  // Salesforce Account.Type picklist
  'customer direct': 'customer',
  'customer channel': 'customer',
  'existing customer': 'customer',
  'former customer': 'prospect',
  // HubSpot lifecycle stage: labels and internal values
  evangelist: 'customer',
  'open opportunity': 'opportunity',
  'sales qualified lead': 'prospect',
  salesqualifiedlead: 'prospect',
  'marketing qualified lead': 'prospect',
  marketingqualifiedlead: 'prospect',
  lead: 'prospect',
  subscriber: 'prospect',
  target: 'prospect',
  // Russian CRMs (Bitrix24 company type, amoCRM statuses)
  клиент: 'customer',
  заказчик: 'customer',
  покупатель: 'customer',
  'действующий клиент': 'customer',
  сделка: 'opportunity',
  возможность: 'opportunity',
  'в работе': 'opportunity',
  'потенциальный клиент': 'prospect',
  лид: 'prospect',
  потенциальный: 'prospect',
};

/** The population of a CRM value, or undefined when it is not one we know. */
export function parsePopulation(value: string): Population | undefined {
  // Exports repeat a handful of values: remember them (bounded, so odd files cannot grow it).
  const known = seen.get(value);
  if (known !== undefined || seen.has(value)) return known;
  const population = VALUES[simplify(value)];
  if (seen.size < 1000) seen.set(value, population);
  return population;
}
const seen = new Map<string, Population | undefined>();

/** For error messages and the README. */
export const KNOWN_POPULATION_VALUES = Object.keys(VALUES);
