/**
 * Messages of the official documents (公文) and their settings page: a dictionary of its own, so
 * that these strings merge without touching the other dictionaries.
 */
export const documentsZh = {
  'doc.notice': '考核结果通报',
  'doc.noticePublic': '考核结果通报（公开版）',
  'doc.statement': '扣分说明',
  'doc.letter': '目标责任书',
  'doc.correction': '更正通报',
  'doc.docx': 'Word',
  'doc.pdf': 'PDF',
  'doc.download': '下载{name}（{format}）',
  'doc.files': '公文',
  'settings.title': '公文设置',
  'settings.intro':
    '考核结果通报、扣分说明、目标责任书和更正通报的发文机关、主送、抄送、印发机关和落款。未登记文号的运行在公文中注明“尚未登记文号”。',
  'settings.issuer': '发文机关',
  'settings.issuerMark': '发文机关标志',
  'settings.abbreviation': '发文字号的机关代字',
  'settings.abbreviationHint': '如“吉环考”，文号形如“吉环考〔2026〕3号”',
  'settings.addressee': '主送机关',
  'settings.cc': '抄送机关（每行一个）',
  'settings.printer': '印发机关',
  'settings.signatures': '落款（发文机关署名）',
  'settings.saved': '公文设置已保存。',
  'settings.readOnly': '只有管理员可以修改公文设置。',
  'settings.updated': '最近修改：{user}，{at}',
  'settings.defaults':
    '当前为默认设置（依据实施方案：通报由吉林省人民政府印发，抄送省纪委监委、省委组织部）。',
} as const;

export type DocumentsKey = keyof typeof documentsZh;
