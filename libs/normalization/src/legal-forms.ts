/**
 * The one table of legal forms removed from company names: each row is one form, its
 * abbreviations and its spelled-out forms. Written the way a name reads after its first steps
 * (NFKC, lowercase, ё → е); spelled-out forms also match without their diacritics
 * (`societe anonyme`) and with any whitespace between their words.
 *
 * - `abbr`: matches plainly and with dots between the letters (`llc`, `l.l.c.`, `llc.`).
 * - `dotted`: matches only with dots or a slash as written (`s.p.a.`, `a/s`): the plain letters are
 *   an ordinary word in names (`Day Spa`, `as`).
 * - `spelled`: spelled-out forms.
 */
export interface LegalForm {
  abbr?: readonly string[];
  dotted?: readonly string[];
  spelled?: readonly string[];
}

export const LEGAL_FORMS: readonly LegalForm[] = [
  // English
  { abbr: ['llc'], spelled: ['limited liability company'] },
  { abbr: ['llp'], spelled: ['limited liability partnership'] },
  { abbr: ['lp'], spelled: ['limited partnership'] },
  { abbr: ['inc'], spelled: ['incorporated'] },
  { abbr: ['ltd'], spelled: ['limited'] },
  { abbr: ['corp'], spelled: ['corporation'] },
  { abbr: ['co'], spelled: ['company'] },
  { abbr: ['plc'], spelled: ['public limited company'] },
  { abbr: ['pty'], spelled: ['proprietary'] },
  { abbr: ['pte'], spelled: ['private limited'] },
  // German, Austrian, Swiss
  { abbr: ['gmbh'], spelled: ['gesellschaft mit beschränkter haftung'] },
  { abbr: ['ag'], spelled: ['aktiengesellschaft'] },
  { abbr: ['kg'], spelled: ['kommanditgesellschaft'] },
  // French, Italian, Spanish, Portuguese, Romanian
  { abbr: ['sa'], spelled: ['société anonyme', 'sociedad anónima'] },
  { abbr: ['sas'], spelled: ['société par actions simplifiée'] },
  { abbr: ['sarl'], spelled: ['société à responsabilité limitée'] },
  { abbr: ['srl'], spelled: ['società a responsabilità limitata', 'sociedad de responsabilidad limitada'] },
  { dotted: ['s.p.a.', 's.p.a'], spelled: ['società per azioni'] },
  // Dutch, Belgian
  { abbr: ['bv'], spelled: ['besloten vennootschap'] },
  { abbr: ['nv'], spelled: ['naamloze vennootschap'] },
  // European company
  { abbr: ['se'], spelled: ['societas europaea'] },
  // Nordic
  { abbr: ['oy'], spelled: ['osakeyhtiö'] },
  { abbr: ['ab'], spelled: ['aktiebolag', 'aktiebolaget'] },
  { dotted: ['a/s'], spelled: ['aktieselskab', 'aksjeselskap'] },
  // Russian forms as they appear in English-language records and registries
  { abbr: ['jsc'], spelled: ['joint stock company'] },
  { abbr: ['pjsc'], spelled: ['public joint stock company'] },
  { abbr: ['cjsc'], spelled: ['closed joint stock company'] },
  { abbr: ['ojsc'], spelled: ['open joint stock company'] },
  { abbr: ['ooo', 'oao', 'zao', 'pao', 'ao'] },
  // Cyrillic: companies
  { abbr: ['ооо'], spelled: ['общество с ограниченной ответственностью'] },
  { abbr: ['одо'], spelled: ['общество с дополнительной ответственностью'] },
  { abbr: ['ао'], spelled: ['акционерное общество'] },
  { abbr: ['пао'], spelled: ['публичное акционерное общество'] },
  { abbr: ['нао'], spelled: ['непубличное акционерное общество'] },
  { abbr: ['зао'], spelled: ['закрытое акционерное общество'] },
  { abbr: ['оао'], spelled: ['открытое акционерное общество'] },
  { abbr: ['ип'], spelled: ['индивидуальный предприниматель'] },
  { abbr: ['тоо'], spelled: ['товарищество с ограниченной ответственностью'] },
  { abbr: ['чп'], spelled: ['частное предприятие'] },
  { abbr: ['нпо'], spelled: ['научно-производственное объединение'] },
  // Cyrillic: state and municipal enterprises and institutions, non-profits
  { abbr: ['уп'], spelled: ['унитарное предприятие'] },
  { abbr: ['гуп'], spelled: ['государственное унитарное предприятие'] },
  { abbr: ['фгуп'], spelled: ['федеральное государственное унитарное предприятие'] },
  { abbr: ['муп'], spelled: ['муниципальное унитарное предприятие'] },
  { abbr: ['гбу'], spelled: ['государственное бюджетное учреждение'] },
  { abbr: ['фгбу'], spelled: ['федеральное государственное бюджетное учреждение'] },
  { abbr: ['мбу'], spelled: ['муниципальное бюджетное учреждение'] },
  { abbr: ['чу'], spelled: ['частное учреждение'] },
  { abbr: ['нко'], spelled: ['некоммерческая организация'] },
  { abbr: ['ано'], spelled: ['автономная некоммерческая организация'] },
];
