import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { companyNameKey, companyNameKeys, MAX_NAME_KEYS, normalizeCompanyName } from './index';

describe('normalizeCompanyName', () => {
  describe('quotes', () => {
    it('removes guillemets and straight quotes', () => {
      assert.equal(normalizeCompanyName('«Ромашка»'), 'ромашка');
      assert.equal(normalizeCompanyName('"Ромашка"'), 'ромашка');
    });

    it('removes German and English curly quotes', () => {
      assert.equal(normalizeCompanyName('„Ромашка“'), 'ромашка');
      assert.equal(normalizeCompanyName('“Acme” ‘Labs’ `Group`'), 'acme labs group');
    });

    it('keeps the words apart when a quote is glued to a legal form', () => {
      assert.equal(normalizeCompanyName('ООО«Ромашка»'), 'ромашка');
      assert.equal(normalizeCompanyName('ООО"Ромашка"'), 'ромашка');
    });

    it('joins a word around an apostrophe', () => {
      assert.equal(normalizeCompanyName("O'Reilly Media, Inc."), 'oreilly media');
      assert.equal(normalizeCompanyName('McDonald’s Corporation'), 'mcdonalds');
    });
  });

  describe('Russian legal forms', () => {
    it('removes ООО before a quoted name', () => {
      assert.equal(normalizeCompanyName('ООО "Ромашка"'), 'ромашка');
      assert.equal(normalizeCompanyName('ООО «Ромашка»'), 'ромашка');
    });

    it('removes the legal form after the name, too', () => {
      assert.equal(normalizeCompanyName('«Ромашка», ООО'), 'ромашка');
      assert.equal(normalizeCompanyName('Сбербанк ПАО'), 'сбербанк');
    });

    it('removes each short form: ОАО ЗАО АО ПАО НАО ИП ТОО ЧП ОДО УП ФГУП МУП НКО АНО', () => {
      for (const form of [
        'ОАО',
        'ЗАО',
        'АО',
        'ПАО',
        'НАО',
        'ИП',
        'ТОО',
        'ЧП',
        'ОДО',
        'УП',
        'ФГУП',
        'МУП',
        'НКО',
        'АНО',
      ]) {
        assert.equal(normalizeCompanyName(`${form} «Вектор»`), 'вектор', form);
      }
    });

    it('removes short forms written with dots', () => {
      assert.equal(normalizeCompanyName('О.О.О. «Вектор»'), 'вектор');
      assert.equal(normalizeCompanyName('И.П. Петров'), 'петров');
    });

    it('removes the long forms', () => {
      assert.equal(normalizeCompanyName('Общество с ограниченной ответственностью «Вектор»'), 'вектор');
      assert.equal(normalizeCompanyName('Акционерное общество «Вектор»'), 'вектор');
      assert.equal(normalizeCompanyName('Закрытое акционерное общество «Вектор»'), 'вектор');
      assert.equal(normalizeCompanyName('Открытое акционерное общество «Вектор»'), 'вектор');
    });

    it('removes a long form as a whole, not just its tail', () => {
      assert.equal(
        normalizeCompanyName('Публичное акционерное общество «Сбербанк России»'),
        'сбербанк россии',
      );
    });

    it('matches long forms in any letter case and spacing', () => {
      assert.equal(normalizeCompanyName('ОБЩЕСТВО С ОГРАНИЧЕННОЙ  ОТВЕТСТВЕННОСТЬЮ "ВЕКТОР"'), 'вектор');
      assert.equal(normalizeCompanyName('общество с ограниченной\nответственностью Вектор'), 'вектор');
    });

    it('keeps the full name of an individual entrepreneur', () => {
      assert.equal(normalizeCompanyName('ИП Иванов Иван Иванович'), 'иванов иван иванович');
      assert.equal(
        normalizeCompanyName('Индивидуальный предприниматель Иванов Иван Иванович'),
        'иванов иван иванович',
      );
    });

    it('does not touch a legal form inside a word', () => {
      assert.equal(normalizeCompanyName('ООО Маошка'), 'маошка');
      assert.equal(normalizeCompanyName('АО Заовражье'), 'заовражье');
      assert.equal(normalizeCompanyName('Типография'), 'типография');
    });
  });

  describe('Latin legal forms', () => {
    it('removes LLC, with or without dots', () => {
      assert.equal(normalizeCompanyName('Romashka LLC'), 'romashka');
      assert.equal(normalizeCompanyName('Romashka, L.L.C.'), 'romashka');
      assert.equal(normalizeCompanyName('Romashka llc.'), 'romashka');
    });

    it('removes Inc and Incorporated', () => {
      assert.equal(normalizeCompanyName('Acme, Inc.'), 'acme');
      assert.equal(normalizeCompanyName('ACME Incorporated'), 'acme');
      assert.equal(normalizeCompanyName('Acme Inc'), 'acme');
    });

    it('removes Ltd, Limited, Corp, Corporation, Co', () => {
      assert.equal(normalizeCompanyName('Acme Ltd.'), 'acme');
      assert.equal(normalizeCompanyName('Acme Limited'), 'acme');
      assert.equal(normalizeCompanyName('Acme Corp.'), 'acme');
      assert.equal(normalizeCompanyName('Acme Corporation'), 'acme');
      assert.equal(normalizeCompanyName('Acme & Co.'), 'acme');
      assert.equal(normalizeCompanyName('Acme Co., Ltd.'), 'acme');
      assert.equal(normalizeCompanyName('Acme Co.Ltd'), 'acme');
      assert.equal(normalizeCompanyName('Limited Liability Company Acme'), 'acme');
    });

    it('removes European forms', () => {
      assert.equal(normalizeCompanyName('Siemens AG'), 'siemens');
      assert.equal(normalizeCompanyName('SAP SE GmbH'), 'sap');
      assert.equal(normalizeCompanyName('Robert Bosch GmbH'), 'robert bosch');
      assert.equal(normalizeCompanyName('Atos S.A.'), 'atos');
      assert.equal(normalizeCompanyName('Dassault Systèmes SAS'), 'dassault systèmes');
      assert.equal(normalizeCompanyName('Philips N.V.'), 'philips');
      assert.equal(normalizeCompanyName('Exact Software BV'), 'exact software');
      assert.equal(normalizeCompanyName('Sage Group PLC'), 'sage group');
      assert.equal(normalizeCompanyName('Ernst Partners LLP'), 'ernst partners');
      assert.equal(normalizeCompanyName('Blackstone L.P.'), 'blackstone');
      assert.equal(normalizeCompanyName('Nokia Oy'), 'nokia');
      assert.equal(normalizeCompanyName('Ericsson AB'), 'ericsson');
      assert.equal(normalizeCompanyName('Müller GmbH & Co. KG'), 'müller');
    });

    it('removes the English names of Russian legal forms', () => {
      assert.equal(normalizeCompanyName('Sberbank PJSC'), 'sberbank');
      assert.equal(normalizeCompanyName('Gazprom Neft JSC'), 'gazprom neft');
      assert.equal(normalizeCompanyName('OOO Romashka'), 'romashka');
      assert.equal(normalizeCompanyName('AO Kaspersky Lab'), 'kaspersky lab');
      assert.equal(normalizeCompanyName('Public Joint Stock Company Sberbank'), 'sberbank');
    });

    it('does not touch a legal form inside a word or a hyphenated word', () => {
      assert.equal(normalizeCompanyName('Incom Systems'), 'incom systems');
      assert.equal(normalizeCompanyName('Coca-Cola'), 'coca cola');
      assert.equal(normalizeCompanyName('Co-op Bank'), 'co op bank');
      assert.equal(normalizeCompanyName('Sagan Labs'), 'sagan labs');
    });
  });

  describe('letters, punctuation and spacing', () => {
    it('folds ё to е', () => {
      assert.equal(normalizeCompanyName('ООО «Ёлка»'), 'елка');
      assert.equal(normalizeCompanyName('Объединённые системы'), 'объединенные системы');
      // ё written as е + combining diaeresis (U+0308), as some exports do.
      assert.equal(normalizeCompanyName('Объедине\u0308нные системы'), 'объединенные системы');
    });

    it('turns punctuation into spaces and collapses whitespace', () => {
      assert.equal(normalizeCompanyName('  Альфа-Банк  '), 'альфа банк');
      assert.equal(normalizeCompanyName('Tech/Data\tSolutions'), 'tech data solutions');
      // Initials are not the legal forms AB / SA they contain.
      assert.equal(normalizeCompanyName('A.B.C. Consulting'), 'a b c consulting');
      assert.equal(normalizeCompanyName('J.S.A. Design Ltd'), 'j s a design');
    });

    it('keeps digits', () => {
      assert.equal(normalizeCompanyName('ООО «1С-Софт»'), '1с софт');
    });
  });

  describe('a name that is only a legal form', () => {
    it('falls back to the name without quotes rather than an empty string', () => {
      assert.equal(normalizeCompanyName('ООО'), 'ооо');
      assert.equal(normalizeCompanyName('«ИП»'), 'ип');
      assert.equal(normalizeCompanyName('Limited'), 'limited');
      assert.equal(normalizeCompanyName('Inc.'), 'inc');
      assert.equal(normalizeCompanyName('Акционерное общество'), 'акционерное общество');
    });

    it('returns an empty string only for a name with nothing in it', () => {
      assert.equal(normalizeCompanyName(''), '');
      assert.equal(normalizeCompanyName('   '), '');
      assert.equal(normalizeCompanyName('«»'), '');
    });
  });
});

describe('companyNameKey', () => {
  it('gives Cyrillic and Latin spellings of a name the same key', () => {
    assert.equal(companyNameKey('ООО «Ромашка»'), 'romashka');
    assert.equal(companyNameKey('Romashka LLC'), 'romashka');
    assert.equal(companyNameKey('ООО "Ромашка"'), companyNameKey('Romashka, L.L.C.'));
  });

  it('transliterates the multi-letter sounds', () => {
    // ж→zh х→kh ц→ts ч→ch ш→sh щ→shch ю→yu я→ya
    assert.equal(companyNameKey('Жемчужина'), 'zhemchuzhina');
    assert.equal(companyNameKey('Хлебозавод'), 'khlebozavod');
    assert.equal(companyNameKey('Царицыно'), 'tsaritsyno');
    assert.equal(companyNameKey('Щукинская Чайная'), 'shchukinskayachaynaya');
    assert.equal(companyNameKey('Юнисофт'), 'yunisoft');
    assert.equal(companyNameKey('Шахтёр'), 'shakhter');
  });

  it('transliterates й and ы as y, э as e, and drops ъ and ь', () => {
    assert.equal(companyNameKey('Майский'), 'mayskiy');
    assert.equal(companyNameKey('Быстрые Решения'), 'bystryeresheniya');
    assert.equal(companyNameKey('Электрон'), 'elektron');
    assert.equal(companyNameKey('Объект Сибирь'), 'obektsibir');
  });

  it('matches common Russian companies with their Latin names', () => {
    assert.equal(companyNameKey('ПАО «Сбербанк»'), companyNameKey('Sberbank PJSC'));
    assert.equal(companyNameKey('ПАО «Газпром»'), companyNameKey('Gazprom PJSC'));
    assert.equal(companyNameKey('ИП Иванов Иван Иванович'), 'ivanovivanivanovich');
    assert.equal(companyNameKey('ИП Иванов Иван Иванович'), companyNameKey('Ivanov Ivan Ivanovich'));
  });

  it('ignores spacing and punctuation inside the name', () => {
    assert.equal(companyNameKey('Альфа-Банк'), companyNameKey('Alfa Bank'));
    assert.equal(companyNameKey('Альфа-Банк'), 'alfabank');
  });

  it('drops Latin diacritics', () => {
    assert.equal(companyNameKey('Société Générale SA'), 'societegenerale');
    assert.equal(companyNameKey('Müller GmbH'), companyNameKey('Muller GmbH'));
  });

  it('transliterates Kazakh and Ukrainian letters', () => {
    assert.equal(companyNameKey('ТОО «Қазақ Телеком»'), 'kazaktelekom');
    // к k, и i, ї yi, в v, с s, т t, а a, р r: the Russian value of и, so not the official 'Kyivstar'.
    assert.equal(companyNameKey('Київстар'), 'kiyivstar');
    assert.equal(companyNameKey('Європа Плюс'), 'yevropaplyus');
  });

  describe('known limits: a different transliteration is a different key', () => {
    it('does not match Romaschka (German-style щ/ш spelling)', () => {
      assert.notEqual(companyNameKey('Romaschka LLC'), companyNameKey('ООО «Ромашка»'));
    });

    it('does not match Yandex (кс written as x)', () => {
      assert.equal(companyNameKey('ООО «Яндекс»'), 'yandeks');
      assert.notEqual(companyNameKey('Yandex LLC'), companyNameKey('ООО «Яндекс»'));
    });

    it('does not match 1C written with a Cyrillic С', () => {
      assert.equal(companyNameKey('ООО «1С»'), '1s');
      assert.equal(companyNameKey('1C LLC'), '1c');
    });
  });

  it('keeps a non-empty key for a name that is only a legal form', () => {
    assert.equal(companyNameKey('ООО'), 'ooo');
    assert.equal(companyNameKey(''), '');
  });
});

describe('legal forms added by issue 21', () => {
  it('removes Company, LLP, S.p.A., SE, A/S, Pte and their spelled-out forms', () => {
    const cases: Array<[string, string]> = [
      ['The Coca-Cola Company', 'the coca cola'],
      ['Acme Limited Liability Partnership', 'acme'],
      ['Acme LLP', 'acme'],
      ['Fratelli Rossi S.p.A.', 'fratelli rossi'],
      ['Fratelli Rossi Società per Azioni', 'fratelli rossi'],
      ['Fratelli Rossi Societa per Azioni', 'fratelli rossi'],
      ['Airbus SE', 'airbus'],
      ['Airbus Societas Europaea', 'airbus'],
      ['Maersk A/S', 'maersk'],
      ['Maersk Aktieselskab', 'maersk'],
      ['Grab Holdings Pte Ltd', 'grab holdings'],
      ['Grab Holdings Private Limited', 'grab holdings'],
      ['Muller Gesellschaft mit beschrankter Haftung', 'muller'],
    ];
    for (const [input, expected] of cases) assert.equal(normalizeCompanyName(input), expected, input);
  });

  it('keeps spa and as as words (only S.p.A. and A/S are forms)', () => {
    assert.equal(normalizeCompanyName('Day Spa'), 'day spa');
  });

  it('removes ГУП, ФГБУ, ГБУ, МБУ, ЧУ, НПО and their spelled-out forms', () => {
    const cases: Array<[string, string]> = [
      ['ГУП «Вектор»', 'вектор'],
      ['Государственное унитарное предприятие «Вектор»', 'вектор'],
      ['ФГБУ «Вектор»', 'вектор'],
      ['Федеральное государственное бюджетное учреждение «Вектор»', 'вектор'],
      ['ГБУ «Вектор»', 'вектор'],
      ['Государственное бюджетное учреждение «Вектор»', 'вектор'],
      ['МБУ «Вектор»', 'вектор'],
      ['Муниципальное бюджетное учреждение «Вектор»', 'вектор'],
      ['ЧУ «Вектор»', 'вектор'],
      ['Частное учреждение «Вектор»', 'вектор'],
      ['НПО «Вектор»', 'вектор'],
      ['Научно-производственное объединение «Вектор»', 'вектор'],
    ];
    for (const [input, expected] of cases) assert.equal(normalizeCompanyName(input), expected, input);
  });
});

describe('companyNameKeys', () => {
  it('gives one key for an ASCII name', () => {
    assert.deepEqual(companyNameKeys('Acme Labs, Inc.'), ['acmelabs']);
  });

  it('gives the GOST, practical and ICAO spellings of a Cyrillic name, GOST first', () => {
    assert.deepEqual(companyNameKeys('ООО «Яндекс»'), ['yandeks', 'yandex', 'iandeks']);
    assert.deepEqual(companyNameKeys('Хабр'), ['khabr', 'habr']);
    assert.deepEqual(companyNameKeys('Лукойл'), ['lukoyl', 'lukoil']);
    assert.ok(companyNameKeys('АО «Лаборатория Касперского»').length <= 3);
    assert.ok(companyNameKeys('Касперский').includes('kaspersky'));
  });

  it('gives the plain and the expanded spelling of Latin diacritics', () => {
    assert.deepEqual(companyNameKeys('Müller GmbH'), ['muller', 'mueller']);
    assert.deepEqual(companyNameKeys('Ørsted A/S'), ['orsted', 'oersted']);
    assert.deepEqual(companyNameKeys('Hauptstraße'), ['hauptstrasse']);
    assert.deepEqual(companyNameKeys('Société Générale SA'), ['societegenerale']);
  });

  it('never gives more than MAX_NAME_KEYS keys, nor an empty one', () => {
    for (const name of ['Щёлково-Хим Ёжик Ünïçødé Юг', 'ŁÓDŹ Яхонт Öl', '', '«»']) {
      const keys = companyNameKeys(name);
      assert.ok(keys.length <= MAX_NAME_KEYS, name);
      assert.ok(
        keys.every((k) => k !== ''),
        name,
      );
    }
    assert.deepEqual(companyNameKeys(''), []);
  });

  it('holds companyNameKey first', () => {
    for (const name of ['ООО «Яндекс»', 'Müller', 'Acme'])
      assert.equal(companyNameKeys(name)[0], companyNameKey(name));
  });
});
