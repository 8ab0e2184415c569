/**
 * Units in the reader's language. A rule document writes its units in Chinese (`吨`, `项`) or in
 * symbols (`%`, `μg/m³`); the English pages show the English forms of docs/glossary.md, and a unit
 * not listed there as it is written.
 *
 * @example
 * unitIn('吨', 'en') // 't'
 * unitIn('项', 'zh') // '项'
 */
export const UNIT_EN: Readonly<Record<string, string>> = {
  吨: 't',
  万吨: '10,000 t',
  项: 'tasks',
  个: 'units',
  件: 'cases',
  分: 'points',
  天: 'days',
  次: 'times',
  万元: '10,000 yuan',
  亿元: '100 million yuan',
  元: 'yuan',
  公顷: 'ha',
  平方公里: 'km²',
  千米: 'km',
  公里: 'km',
  米: 'm',
  微克每立方米: 'μg/m³',
  '微克/立方米': 'μg/m³',
  毫克每升: 'mg/L',
  '毫克/升': 'mg/L',
  百分点: 'percentage points',
};

/** The unit as the page's language writes it (English from the glossary's table; else unchanged). */
export function unitIn(unit: string, lang: 'zh' | 'en'): string {
  if (lang !== 'en') return unit;
  return UNIT_EN[unit.trim()] ?? unit;
}
