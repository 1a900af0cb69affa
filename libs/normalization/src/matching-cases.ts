import type { CustomerIdentity, Sameness } from './match-keys';

/** One pair of customer records and how sure it is that they are one company. */
export interface MatchingCase {
  title: string;
  a: CustomerIdentity;
  b: CustomerIdentity;
  sameness: Sameness;
}

const SBERBANK_INN = '7707083893';
const YANDEX_INN = '7736207543';
const OTHER_INN = '7713140469';

/**
 * The shared table of the matching rules (README "Matching rules"): the deals service's conflict
 * check and the mapping service's overlap engine each run every row, so a pair one of them links
 * the other links too (`same` and `possible` link; deals flags `possible` for the vendor to decide).
 */
export const MATCHING_CASES: readonly MatchingCase[] = [
  {
    title: 'the same INN under different names',
    a: { name: 'ПАО Сбербанк', country: 'RU', taxId: SBERBANK_INN },
    b: { name: 'Sberbank of Russia', country: 'RU', taxId: SBERBANK_INN },
    sameness: 'same',
  },
  {
    title: 'a shop subdomain and the registrable domain (.ru)',
    a: { name: 'Acme Retail', country: 'RU', domain: 'shop.acme.ru' },
    b: { name: 'Acme', country: 'RU', domain: 'https://www.acme.ru/about' },
    sameness: 'same',
  },
  {
    title: 'a mobile subdomain under a two-label public suffix (.co.uk)',
    a: { name: 'Acme UK', country: 'GB', domain: 'm.acme.co.uk' },
    b: { name: 'Acme Holdings', country: 'GB', domain: 'acme.co.uk' },
    sameness: 'same',
  },
  {
    title: 'a country subdomain of a .com',
    a: { name: 'Acme Russia', country: 'RU', domain: 'ru.acme.com' },
    b: { name: 'Acme Inc', country: 'US', domain: 'acme.com' },
    sameness: 'same',
  },
  {
    title: 'two agencies under gov.uk (an ICANN suffix) are two organizations',
    a: { name: 'HM Revenue and Customs', country: 'GB', domain: 'hmrc.gov.uk' },
    b: { name: 'Driver and Vehicle Licensing Agency', country: 'GB', domain: 'dvla.gov.uk' },
    sameness: 'none',
  },
  {
    title: 'two agencies under gov.ru (a private-section suffix) are two organizations',
    a: { name: 'ФНС России', country: 'RU', domain: 'nalog.gov.ru' },
    b: { name: 'Минфин России', country: 'RU', domain: 'minfin.gov.ru' },
    sameness: 'none',
  },
  {
    title: 'two universities under ac.uk',
    a: { name: 'University of Oxford', country: 'GB', domain: 'www.ox.ac.uk' },
    b: { name: 'University of Cambridge', country: 'GB', domain: 'cam.ac.uk' },
    sameness: 'none',
  },
  {
    title: 'two sites on a shared host (github.io)',
    a: { name: 'Alpha Tools', country: 'DE', domain: 'alpha.github.io' },
    b: { name: 'Beta Tools', country: 'DE', domain: 'beta.github.io' },
    sameness: 'none',
  },
  {
    title: 'gmail.com names no company',
    a: { name: 'Вектор', country: 'RU', domain: 'gmail.com' },
    b: { name: 'Ромашка', country: 'RU', domain: 'gmail.com' },
    sameness: 'none',
  },
  {
    title: 'mail.ru (and its subdomains) name no company',
    a: { name: 'Альфа', country: 'RU', domain: 'mail.ru' },
    b: { name: 'Бета', country: 'RU', domain: 'corp.mail.ru' },
    sameness: 'none',
  },
  {
    title: 'yandex.ru and outlook.com as a customer domain name no company',
    a: { name: 'Гамма', country: 'RU', domain: 'yandex.ru' },
    b: { name: 'Дельта', country: 'RU', domain: 'yandex.ru' },
    sameness: 'none',
  },
  {
    title: 'the same name on a free-mail domain is only a possible match',
    a: { name: 'ООО «Ромашка»', country: 'RU', domain: 'mail.ru' },
    b: { name: 'Romashka LLC', country: 'RU', domain: 'outlook.com' },
    sameness: 'possible',
  },
  {
    title: 'the same name and country with two different valid INNs are two companies',
    a: { name: 'ООО «Сервис»', country: 'RU', taxId: SBERBANK_INN },
    b: { name: 'ООО «Сервис»', country: 'RU', taxId: OTHER_INN },
    sameness: 'none',
  },
  {
    title: 'the same name and country, one INN missing: possible',
    a: { name: 'ООО «Сервис»', country: 'RU', taxId: SBERBANK_INN },
    b: { name: 'Servis LLC', country: 'RU', domain: 'servis-msk.ru' },
    sameness: 'possible',
  },
  {
    title: 'the same name in two countries',
    a: { name: 'Acme GmbH', country: 'DE', domain: 'acme.de' },
    b: { name: 'Acme SA', country: 'FR', domain: 'acme.fr' },
    sameness: 'none',
  },
  {
    title: 'Яндекс as the company writes itself (practical: кс → x)',
    a: { name: 'ООО «Яндекс»', country: 'RU', taxId: YANDEX_INN },
    b: { name: 'Yandex LLC', country: 'RU', domain: 'yandex-team.ru' },
    sameness: 'possible',
  },
  {
    title: 'Яндекс by GOST 7.79',
    a: { name: 'Яндекс', country: 'RU', domain: 'ya-corp.ru' },
    b: { name: 'Yandeks', country: 'RU', domain: 'yandeks-corp.ru' },
    sameness: 'possible',
  },
  {
    title: 'х as h (Хабр → Habr)',
    a: { name: 'Хабр', country: 'RU', domain: 'habr-corp.ru' },
    b: { name: 'Habr', country: 'RU', domain: 'habr-media.ru' },
    sameness: 'possible',
  },
  {
    title: 'й as i (ICAO: Лукойл → Lukoil) and a final ий as y (Касперский → Kaspersky)',
    a: { name: 'ПАО «Лукойл»', country: 'RU', domain: 'lukoil-1.ru' },
    b: { name: 'Lukoil PJSC', country: 'RU', domain: 'lukoil-2.ru' },
    sameness: 'possible',
  },
  {
    title: 'ü as ue (Müller GmbH → Mueller AG)',
    a: { name: 'Müller GmbH', country: 'DE', domain: 'mueller-1.de' },
    b: { name: 'Mueller AG', country: 'DE', domain: 'mueller-2.de' },
    sameness: 'possible',
  },
  {
    title: 'ü as u (Müller → Muller)',
    a: { name: 'Müller', country: 'DE', domain: 'mueller-1.de' },
    b: { name: 'Muller Gesellschaft mit beschränkter Haftung', country: 'DE', domain: 'muller-2.de' },
    sameness: 'possible',
  },
  {
    title: 'two ASCII spellings are not variants of each other (Muller ≠ Mueller)',
    a: { name: 'Muller', country: 'DE', domain: 'muller-1.de' },
    b: { name: 'Mueller', country: 'DE', domain: 'mueller-2.de' },
    sameness: 'none',
  },
  {
    title: 'ø as o and as oe, A/S removed (Ørsted A/S → Orsted, Oersted)',
    a: { name: 'Ørsted A/S', country: 'DK', domain: 'orsted-1.dk' },
    b: { name: 'Oersted Aktieselskab', country: 'DK', domain: 'orsted-2.dk' },
    sameness: 'possible',
  },
  {
    title: 'ß as ss',
    a: { name: 'Hauptstraße Bau KG', country: 'DE', domain: 'hauptstrasse-1.de' },
    b: { name: 'Hauptstrasse Bau', country: 'DE', domain: 'hauptstrasse-2.de' },
    sameness: 'possible',
  },
  {
    title: 'ФГБУ and its spelled-out form',
    a: { name: 'ФГБУ «Вектор»', country: 'RU', domain: 'vektor-1.ru' },
    b: {
      name: 'Федеральное государственное бюджетное учреждение "Вектор"',
      country: 'RU',
      domain: 'vektor-2.ru',
    },
    sameness: 'possible',
  },
  {
    title: 'S.p.A., SE, Pte, Company, Limited Liability Partnership removed',
    a: { name: 'Fratelli Rossi S.p.A.', country: 'IT', domain: 'rossi-1.it' },
    b: { name: 'Fratelli Rossi Società per Azioni', country: 'IT', domain: 'rossi-2.it' },
    sameness: 'possible',
  },
  {
    title: 'different names, domains and tax ids',
    a: { name: 'ООО «Ромашка»', country: 'RU', taxId: SBERBANK_INN, domain: 'romashka.ru' },
    b: { name: 'ООО «Вектор»', country: 'RU', taxId: OTHER_INN, domain: 'vektor.ru' },
    sameness: 'none',
  },
];
