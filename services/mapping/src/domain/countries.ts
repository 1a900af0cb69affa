import { isCountryCode } from '@prm/normalization';

/**
 * Countries as CRM exports write them (Salesforce BillingCountry is free text, HubSpot
 * "Country/Region" a label): assigned ISO 3166-1 alpha-2 codes pass as they are (`ZZ` does
 * not), common English and Russian names map to their code. Unknown names are reported per
 * row, not guessed.
 */
const NAMES: Readonly<Record<string, string>> = {
  russia: 'RU',
  'russian federation': 'RU',
  россия: 'RU',
  'российская федерация': 'RU',
  рф: 'RU',
  rf: 'RU',
  belarus: 'BY',
  беларусь: 'BY',
  'республика беларусь': 'BY',
  kazakhstan: 'KZ',
  казахстан: 'KZ',
  'республика казахстан': 'KZ',
  uzbekistan: 'UZ',
  узбекистан: 'UZ',
  kyrgyzstan: 'KG',
  киргизия: 'KG',
  кыргызстан: 'KG',
  armenia: 'AM',
  армения: 'AM',
  georgia: 'GE',
  грузия: 'GE',
  azerbaijan: 'AZ',
  азербайджан: 'AZ',
  ukraine: 'UA',
  украина: 'UA',
  germany: 'DE',
  германия: 'DE',
  deutschland: 'DE',
  france: 'FR',
  франция: 'FR',
  'united kingdom': 'GB',
  uk: 'GB',
  'great britain': 'GB',
  великобритания: 'GB',
  'united states': 'US',
  'united states of america': 'US',
  usa: 'US',
  сша: 'US',
  china: 'CN',
  китай: 'CN',
  india: 'IN',
  индия: 'IN',
  turkey: 'TR',
  turkiye: 'TR',
  турция: 'TR',
  'united arab emirates': 'AE',
  uae: 'AE',
  оаэ: 'AE',
  netherlands: 'NL',
  нидерланды: 'NL',
  italy: 'IT',
  италия: 'IT',
  spain: 'ES',
  испания: 'ES',
  poland: 'PL',
  польша: 'PL',
  finland: 'FI',
  финляндия: 'FI',
  sweden: 'SE',
  швеция: 'SE',
  switzerland: 'CH',
  швейцария: 'CH',
  austria: 'AT',
  австрия: 'AT',
  serbia: 'RS',
  сербия: 'RS',
  israel: 'IL',
  израиль: 'IL',
  brazil: 'BR',
  бразилия: 'BR',
  canada: 'CA',
  канада: 'CA',
  japan: 'JP',
  япония: 'JP',
};

/** 'ru', 'Russia', 'Россия' → 'RU'; undefined when unknown. */
export function parseCountry(value: string): string | undefined {
  const known = seen.get(value);
  if (known !== undefined || seen.has(value)) return known;
  const country = lookup(value);
  if (seen.size < 1000) seen.set(value, country);
  return country;
}
const seen = new Map<string, string | undefined>();

function lookup(value: string): string | undefined {
  const trimmed = value.trim();
  // An assigned ISO code as it is; other two-letter values (UK, RF) only by their name below.
  if (/^[A-Za-z]{2}$/.test(trimmed) && isCountryCode(trimmed.toUpperCase())) return trimmed.toUpperCase();
  return NAMES[
    trimmed
      .normalize('NFKC')
      .toLowerCase()
      .replace(/ё/g, 'е')
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim()
  ];
}
