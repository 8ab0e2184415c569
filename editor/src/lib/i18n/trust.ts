/**
 * Messages of four eyes and tamper evidence (approvals, run publication, sealed runs, cell history),
 * read in the shell's current language. Terms as in the plan: 文号, 发布, 审批, 申诉期, 封存.
 *
 * @example
 * tt('approve.title') // "审批发布" / "Approve publication"
 */
import { i18n } from './index.svelte.ts';

const zh = {
  'approvals.title': '待审批',
  'approvals.none': '没有待审批的发布申请。',
  'approvals.versions': '规则版本',
  'approvals.runs': '考核结果',
  'approvals.requestedBy': '申请人',
  'approvals.requestedAt': '申请时间',
  'approvals.open': '查看并审批',
  'approvals.yours': '你的申请（需另一人审批）',
  'approvals.fourEyesOff': '四眼原则已关闭（单人安装）：发布不需要第二人审批。',
  'pending.banner': '等待审批：{who} 于 {at} 申请发布。审批前草稿不能修改。',
  'pending.withdraw': '撤回申请',
  'pending.approve': '审批发布',
  'pending.notYou': '申请人不能审批自己的申请（四眼原则），请由另一位编辑或管理员审批。',
  'request.title': '申请发布 {year} 年第 {version} 版',
  'request.confirm': '提交发布申请',
  'request.explain': '发布需要两个人：提交后由另一位编辑或管理员审批，并填写文号和施行日期。',
  'request.done': '已提交发布申请，等待审批',
  'approve.title': '审批发布 {year} 年第 {version} 版',
  'approve.requested': '{who} 于 {at} 申请发布',
  'approve.confirm': '批准并发布',
  'approve.check': '核对',
  'approve.confirmText': '确认以文号「{docNumber}」、施行日期 {date} 发布？发布后不可修改。',
  'approve.back': '返回修改',
  'approve.badNumber': '文号格式应如 吉环考〔2026〕3号',
  'approve.badDate': '请填写施行日期',
  'run.publication': '结果发布',
  'run.notPublished': '尚未发布',
  'run.pending': '等待审批：{who} 于 {at} 申请发布',
  'run.published': '已发布：文号 {docNumber}，发布日期 {date}，审批人 {who}',
  'run.appealEnds': '申诉期至 {date}（{days}天）',
  'run.request': '申请发布',
  'run.approve': '批准发布',
  'run.withdraw': '撤回申请',
  'run.publishedOn': '发布日期',
  'run.appealDays': '申诉期（天）',
  'run.sealed': '下载封存文件',
  'run.sealedHint': '含规则文档、数据、结果、哈希与签名，可用 ecoscore verify --run 离线核验',
  'history.title': '{region} · {key} 的变更历史',
  'history.regionTitle': '{region} {year} 年数据的变更历史',
  'history.open': '历史',
  'history.when': '时间',
  'history.who': '操作人',
  'history.before': '原值',
  'history.after': '新值',
  'history.how': '方式',
  'history.key': '指标',
  'history.none': '没有变更记录',
  'history.empty': '（空）',
} as const;

export type TrustKey = keyof typeof zh;

const en: Record<TrustKey, string> = {
  'approvals.title': 'Approvals',
  'approvals.none': 'No publication awaits approval.',
  'approvals.versions': 'Rule versions',
  'approvals.runs': 'Assessment results',
  'approvals.requestedBy': 'Requested by',
  'approvals.requestedAt': 'Requested at',
  'approvals.open': 'Review and approve',
  'approvals.yours': 'Your request (another person approves)',
  'approvals.fourEyesOff': 'Four eyes are off (one-person installation): publishing needs no second person.',
  'pending.banner':
    'Awaiting approval: {who} asked to publish it at {at}. The draft cannot be edited until then.',
  'pending.withdraw': 'Withdraw request',
  'pending.approve': 'Approve publication',
  'pending.notYou':
    'The requester cannot approve their own request (four eyes): another editor or an admin approves.',
  'request.title': 'Request publication of {year} version {version}',
  'request.confirm': 'Request publication',
  'request.explain':
    'Publishing takes two people: another editor or an admin approves it, with the 文号 and the effective date.',
  'request.done': 'Publication requested; awaiting approval',
  'approve.title': 'Approve publication of {year} version {version}',
  'approve.requested': 'Requested by {who} at {at}',
  'approve.confirm': 'Approve and publish',
  'approve.check': 'Check',
  'approve.confirmText':
    'Publish with document number “{docNumber}” effective {date}? It cannot be changed afterwards.',
  'approve.back': 'Back',
  'approve.badNumber': 'A document number looks like 吉环考〔2026〕3号',
  'approve.badDate': 'Give the effective date',
  'run.publication': 'Publication',
  'run.notPublished': 'Not published',
  'run.pending': 'Awaiting approval: requested by {who} at {at}',
  'run.published': 'Published: {docNumber}, on {date}, approved by {who}',
  'run.appealEnds': 'Appeals until {date} ({days} days)',
  'run.request': 'Request publication',
  'run.approve': 'Approve publication',
  'run.withdraw': 'Withdraw request',
  'run.publishedOn': 'Publication date',
  'run.appealDays': 'Appeal period (days)',
  'run.sealed': 'Download sealed run',
  'run.sealedHint': 'Rules, data, results, hashes and signature; check it offline with ecoscore verify --run',
  'history.title': 'History of {region} · {key}',
  'history.regionTitle': 'History of {region} data for {year}',
  'history.open': 'History',
  'history.when': 'When',
  'history.who': 'Who',
  'history.before': 'Before',
  'history.after': 'After',
  'history.how': 'How',
  'history.key': 'Input',
  'history.none': 'No changes recorded',
  'history.empty': '(empty)',
};

export function tt(key: TrustKey, params?: Record<string, string | number>): string {
  const text = (i18n.locale === 'en' ? en : zh)[key] ?? zh[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
