/** zh-CN first, English on request; the choice is kept in localStorage. */
export type Lang = 'zh' | 'en';

const ZH = {
  skip: '跳到正文',
  brand: '河南链 · 核验平台',
  'lang.switch': 'English',
  footer: '国密 SM2 / SM3 · 证据可离线核验',
  'tab.licence': '证照核验',
  'tab.sealing': '签章核验',
  'tab.provenance': '数据溯源',
  'tab.audit': '审计',
  'tab.offline': '离线核验',
  'licence.title': '证照核验',
  'licence.intro': '输入电子证照标识，或扫描证照上的二维码。可选择证照文件一并核验：文件只在本机计算 SM3 摘要，不会上传。',
  'licence.id': '电子证照标识',
  'licence.idHint': '形如 1.2.156.3005.2.…（GB/T 36904）',
  'licence.file': '证照文件（可选）',
  'licence.fileHint': '在浏览器中计算 SM3，不上传',
  verify: '核验',
  'scan.camera': '扫码',
  'scan.photo': '上传二维码图片',
  'scan.stop': '停止扫码',
  'scan.none': '图片中没有识别到二维码',
  'scan.noCamera': '无法使用摄像头，请上传二维码图片',
  'scan.found': '已识别二维码',
  'scan.unknown': '二维码中不是本平台的核验链接或电子证照标识',
  checking: '正在核验…',
  'digest.done': '文件 SM3 摘要',
  'verdict.valid': '有效',
  'verdict.not_yet_valid': '尚未生效',
  'verdict.suspended': '已暂扣',
  'verdict.revoked': '已吊销',
  'verdict.cancelled': '已注销',
  'verdict.expired': '已过期',
  'verdict.superseded': '已被新版本取代',
  'verdict.tampered': '文件被篡改',
  'verdict.signature_invalid': '签名无效',
  'verdict.not_found': '未找到',
  'verdict.seal_revoked': '印章已吊销',
  'verdict.seal_expired': '印章已过期',
  'verdict.seal_not_yet_valid': '印章尚未生效',
  'verdict.certificate_invalid': '证书无效',
  'verdict.seal_invalid': '印章无效',
  'verdict.seal_expired_at_signing': '签章时印章不在有效期',
  'verdict.malformed': '格式错误',
  'verdict.unsigned': '未签章',
  'bundle.valid': '证据包完整',
  'bundle.invalid': '证据包无效',
  'bundle.incomplete': '证据包部分未能证明',
  reasons: '核验依据',
  record: '证照信息',
  name: '证照名称',
  number: '证照编号',
  holderName: '持证主体',
  issuer: '颁发机构',
  validity: '有效期',
  validForever: '长期有效',
  status: '状态',
  versions: '版本链',
  evidence: '链上证据',
  txId: '交易 ID',
  block: '区块',
  blockHash: '区块哈希',
  hashAlg: '哈希算法',
  time: '上链时间',
  checkedAt: '核验时间',
  documentSm3: '登记的文件 SM3',
  downloadBundle: '下载离线证据包',
  qr: '本证照二维码',
  'sealing.title': '签章核验',
  'sealing.intro': '输入签章存证编号，可选择已签章的文件一并核验（仅在本机计算 SM3）。OFD 版式文件请在下方上传核验。',
  'ofd.title': 'OFD 电子签章核验',
  'ofd.intro': '上传已盖章的 OFD 文件（GB/T 38540 或 GM/T 0031 电子印章）：网关在内存中核验每个签章（文件完整性、签名、签章时证书与印章的有效性），不保存文件，并告知签章是否已在链上存证。',
  'ofd.file': 'OFD 文件',
  'ofd.fileHint': '文件发送至网关核验，核验后即丢弃',
  'ofd.verify': '核验 OFD',
  'ofd.signature': '签章',
  'ofd.signer': '签章人证书',
  'ofd.form': '格式',
  'ofd.pages': '页',
  'ofd.files': '受保护文件（一致 / 总数）',
  'ofd.onLedger': '链上存证',
  'ofd.recorded': '已存证',
  'ofd.notRecorded': '未存证',
  'ofd.documentSm3': '文件 SM3',
  'ofd.picture': '印章图像',
  'sealing.id': '签章存证编号',
  'sealing.idHint': '32 位十六进制',
  'sealing.file': '已签章文件（可选）',
  seal: '印章',
  signTime: '签章时间',
  'seal.revoked': '印章已吊销',
  'seal.revokedFrom': '吊销生效时间',
  'seal.revokedAt': '吊销登记时间',
  'seal.revokedReason': '吊销原因',
  'seal.revokedAfter': '本次签章早于吊销生效，仍然有效；吊销生效后以该印章所盖的签章无效。',
  'provenance.title': '数据溯源',
  'provenance.intro': '输入数据共享回执编号，查看申请 → 答复 → 交付 → 确认 → 异议 → 纠错的全过程，每一步的签署方与时间。',
  'provenance.id': '回执编号',
  'step.request': '共享申请',
  'step.reply': '答复',
  'step.delivery': '数据交付',
  'step.ack': '确认回执',
  'step.objection': '数据异议',
  'step.resolution': '校核纠错',
  signedBy: '签署方',
  state: '当前状态',
  'audit.title': '审计',
  'audit.intro': '审计需要访问令牌（审计方或治理令牌）。令牌只保存在本页会话中。',
  'audit.token': '访问令牌',
  'audit.kind': '记录类型',
  'audit.id': '记录编号',
  'audit.history': '查看记录历史',
  'audit.agency': '机构（统一社会信用代码）',
  'audit.from': '起始日期',
  'audit.to': '截止日期',
  'audit.events': '查看机构事件',
  'audit.more': '更多',
  'audit.report': '下载签名报告',
  'audit.reportValid': '报告签名有效（网关 SM2 密钥）',
  'audit.reportInvalid': '报告签名无效',
  'audit.signature': '签名核验',
  'offline.title': '离线核验证据包',
  'offline.intro': '选择或拖入证据包文件（.evidence.json）。核验完全在本机浏览器中完成，不访问任何服务器。',
  'offline.file': '证据包文件',
  'offline.drop': '将证据包拖到此处',
  'offline.stateAt': '证据包生成时的证照状态：',
  'subject.licence': '电子证照',
  'subject.sealing': '签章存证',
  'subject.receipt': '数据共享回执',
  'subject.anchored-leaf': '批量存证',
  proven: '已证明',
  notProven: '未能证明',
  failures: '未通过的检查',
  'error.network': '无法连接网关',
  'form.missing': '请填写',
  'error.tooMany': '请求过多，请稍后再试',
  'error.unavailable': '网关暂时不可用',
  'error.unrecognised': '网关返回了无法识别的应答',
} as const;

export type Key = keyof typeof ZH;

const EN: Record<Key, string> = {
  skip: 'Skip to content',
  brand: 'Henan Chain · Verification',
  'lang.switch': '中文',
  footer: 'SM2 / SM3 national cryptography · evidence checkable offline',
  'tab.licence': 'Licence',
  'tab.sealing': 'Sealed document',
  'tab.provenance': 'Provenance',
  'tab.audit': 'Audit',
  'tab.offline': 'Offline check',
  'licence.title': 'Verify a licence',
  'licence.intro': 'Enter the licence identifier or scan the QR code on the licence. Optionally add the licence file: it is digested with SM3 on this device and never uploaded.',
  'licence.id': 'Licence identifier',
  'licence.idHint': 'like 1.2.156.3005.2.… (GB/T 36904)',
  'licence.file': 'Licence file (optional)',
  'licence.fileHint': 'digested with SM3 in the browser, never uploaded',
  verify: 'Verify',
  'scan.camera': 'Scan QR code',
  'scan.photo': 'Upload a QR photo',
  'scan.stop': 'Stop scanning',
  'scan.none': 'No QR code found in the picture',
  'scan.noCamera': 'The camera is not available; upload a photo of the code instead',
  'scan.found': 'QR code read',
  'scan.unknown': 'The QR code holds neither a verification link of this portal nor a licence identifier',
  checking: 'Verifying…',
  'digest.done': 'SM3 of the file',
  'verdict.valid': 'Valid',
  'verdict.not_yet_valid': 'Not yet valid',
  'verdict.suspended': 'Suspended',
  'verdict.revoked': 'Revoked',
  'verdict.cancelled': 'Cancelled',
  'verdict.expired': 'Expired',
  'verdict.superseded': 'Superseded',
  'verdict.tampered': 'Tampered file',
  'verdict.signature_invalid': 'Signature invalid',
  'verdict.not_found': 'Not found',
  'verdict.seal_revoked': 'Seal revoked',
  'verdict.seal_expired': 'Seal expired',
  'verdict.seal_not_yet_valid': 'Seal not yet valid',
  'verdict.certificate_invalid': 'Certificate invalid',
  'verdict.seal_invalid': 'Seal invalid',
  'verdict.seal_expired_at_signing': 'Seal not valid when sealed',
  'verdict.malformed': 'Malformed',
  'verdict.unsigned': 'Not signed',
  'bundle.valid': 'Bundle intact',
  'bundle.invalid': 'Bundle invalid',
  'bundle.incomplete': 'Bundle partly unproven',
  reasons: 'Reasons',
  record: 'Licence',
  name: 'Name',
  number: 'Number',
  holderName: 'Holder',
  issuer: 'Issuer',
  validity: 'Validity',
  validForever: 'no end date',
  status: 'Status',
  versions: 'Version chain',
  evidence: 'Ledger evidence',
  txId: 'Transaction',
  block: 'Block',
  blockHash: 'Block hash',
  hashAlg: 'Hash algorithm',
  time: 'Committed at',
  checkedAt: 'Checked at',
  documentSm3: 'Registered file SM3',
  downloadBundle: 'Download the offline evidence bundle',
  qr: 'This licence\u2019s QR code',
  'sealing.title': 'Verify a sealed document',
  'sealing.intro': 'Enter the sealing id; optionally add the sealed file (digested with SM3 on this device). Sealed OFD files are checked below.',
  'ofd.title': 'Verify a sealed OFD',
  'ofd.intro': 'Upload a sealed OFD (GB/T 38540 or GM/T 0031 seals): the gateway checks every signature in memory (the files it protects, the signature, certificate and seal valid when signing), keeps nothing, and says whether the sealing is recorded on the ledger.',
  'ofd.file': 'OFD file',
  'ofd.fileHint': 'Sent to the gateway to be verified, then discarded',
  'ofd.verify': 'Verify OFD',
  'ofd.signature': 'Signature',
  'ofd.signer': 'Signer certificate',
  'ofd.form': 'Form',
  'ofd.pages': 'Pages',
  'ofd.files': 'Protected files (matching / all)',
  'ofd.onLedger': 'On the ledger',
  'ofd.recorded': 'recorded',
  'ofd.notRecorded': 'not recorded',
  'ofd.documentSm3': 'File SM3',
  'ofd.picture': 'Seal picture',
  'sealing.id': 'Sealing id',
  'sealing.idHint': '32 hex digits',
  'sealing.file': 'Sealed file (optional)',
  seal: 'Seal',
  signTime: 'Signed at',
  'seal.revoked': 'The seal is revoked',
  'seal.revokedFrom': 'Revoked with effect from',
  'seal.revokedAt': 'Revocation recorded at',
  'seal.revokedReason': 'Reason',
  'seal.revokedAfter': 'This sealing precedes the revocation and stands; sealings made with this seal after it took effect do not.',
  'provenance.title': 'Data provenance',
  'provenance.intro': 'Enter a data-sharing receipt id to see request → reply → delivery → acknowledgement → objection → correction, with who signed each step and when.',
  'provenance.id': 'Receipt id',
  'step.request': 'Request',
  'step.reply': 'Reply',
  'step.delivery': 'Delivery',
  'step.ack': 'Acknowledgement',
  'step.objection': 'Objection',
  'step.resolution': 'Resolution',
  signedBy: 'Signed by',
  state: 'State',
  'audit.title': 'Audit',
  'audit.intro': 'Audit needs a bearer token (an auditor\u2019s or governance). The token is kept for this page session only.',
  'audit.token': 'Bearer token',
  'audit.kind': 'Record kind',
  'audit.id': 'Record id',
  'audit.history': 'Show the record\u2019s history',
  'audit.agency': 'Agency (credit code)',
  'audit.from': 'From',
  'audit.to': 'To',
  'audit.events': 'Show the agency\u2019s events',
  'audit.more': 'More',
  'audit.report': 'Download the signed report',
  'audit.reportValid': 'Report signature valid (gateway SM2 key)',
  'audit.reportInvalid': 'Report signature invalid',
  'audit.signature': 'Signature check',
  'offline.title': 'Check an evidence bundle offline',
  'offline.intro': 'Choose or drop an evidence bundle (.evidence.json). It is checked entirely in this browser, with no request to any server.',
  'offline.file': 'Evidence bundle',
  'offline.drop': 'Drop the bundle here',
  'offline.stateAt': 'The licence\u2019s status when the bundle was made: ',
  'subject.licence': 'Licence',
  'subject.sealing': 'Sealing',
  'subject.receipt': 'Data-sharing receipt',
  'subject.anchored-leaf': 'Anchored leaf',
  proven: 'Proven',
  notProven: 'Not proven',
  failures: 'Failed checks',
  'error.network': 'The gateway cannot be reached',
  'form.missing': 'Please fill in: ',
  'error.tooMany': 'Too many requests; try again later',
  'error.unavailable': 'The gateway is unavailable for now',
  'error.unrecognised': 'The gateway sent an answer this page cannot read',
};

let current: Lang = localStorage.getItem('hnc.lang') === 'en' ? 'en' : 'zh';

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem('hnc.lang', next);
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
}

export function t(key: Key): string {
  return current === 'zh' ? ZH[key] : EN[key];
}

/** A message in each language whatever the page's (an error keeps both, shown in the language of the moment). */
export const chinese = (key: Key): string => ZH[key];
export const english = (key: Key): string => EN[key];

/**
 * The API's enumerated values (record kinds, states, actions, outcomes) in Chinese. In English they are
 * shown as the API sends them, which are English words; a value not listed here is shown as sent.
 */
const VALUES_ZH: Record<string, string> = {
  agency: '政务机构',
  licence: '电子证照',
  seal: '电子印章',
  sealing: '签章存证',
  'ofd-sealing': 'OFD 签章存证',
  receipt: '数据共享回执',
  case: '跨域办件',
  anchor: '批量存证',
  valid: '有效',
  invalid: '无效',
  not_signed: '未签名',
  active: '在用',
  revoked: '已吊销',
  requested: '已申请',
  approved: '已同意',
  refused: '已拒绝',
  delivered: '已交付',
  acknowledged: '已确认',
  disputed: '有异议',
  open: '待处理',
  corrected: '已纠错',
  rejected: '已驳回',
  accepted: '已接受',
  withdrawn: '已撤回',
  quality: '数据质量',
  incomplete: '数据缺漏',
  mismatch: '与回执不符',
  scope: '超范围使用',
  other: '其他',
  issue: '颁发',
  renew: '换发',
  suspend: '暂扣',
  reinstate: '恢复',
  revoke: '吊销',
  cancel: '注销',
  register: '登记',
  create: '创建',
  rotateKey: '更换密钥',
  revokeOwnKey: '吊销自身密钥',
  recordSealing: '签章存证',
  recordOfdSealing: 'OFD 签章存证',
  request: '共享申请',
  reply: '答复',
  delivery: '数据交付',
  acknowledge: '确认回执',
  object: '提出异议',
  resolve: '校核纠错',
  withdraw: '撤回',
  submit: '提交',
  accept: '受理',
  reject: '不予受理',
  forward: '转办',
  process: '办理',
  return: '退回',
  resubmit: '重新提交',
  request_correction: '要求补正',
  resume: '恢复办理',
  conclude: '办结',
  deliver: '送达',
  collect: '领取',
  write: '写入',
  delete: '删除',
  issued: '已颁发',
  renewed: '已换发',
  suspended: '已暂扣',
  reinstated: '已恢复',
  cancelled: '已注销',
  registered: '已登记',
  created: '已创建',
  recorded: '已存证',
  anchored: '已批量存证',
  key_added: '已添加密钥',
  key_revoked: '已吊销密钥',
  key_rotated: '已更换密钥',
};

/** One of the API's enumerated values in the page's language. */
export function valueLabel(value: string): string {
  if (current === 'en') return value.replace(/_/g, ' ');
  return Object.hasOwn(VALUES_ZH, value) ? VALUES_ZH[value]! : value;
}

/** A verdict's label, or the raw verdict when it has none. */
export function verdictLabel(verdict: string): string {
  const key = `verdict.${verdict}` as Key;
  return key in ZH ? t(key) : verdict;
}

/** Instants shown in China Standard Time, as the people of Henan read them. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(current === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', hour12: false }) + (current === 'zh' ? '（北京时间）' : ' CST');
}

/** A day as the chaincode writes it (YYYY-MM-DD, already the date in China), in the page's language. */
function day(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return current === 'zh' && d !== undefined ? `${y}年${m}月${d}日` : date;
}

/** A finding's params, read through `required`: a finding that lacks one is worded by its English reason. */
type Params = Readonly<Record<string, string>>;
type Template = (p: Params) => string;

const issuerZh = (p: Params) => ('issuerName' in p ? `${p['issuerName']}（${p['issuerId']}）` : p['issuerId']);
const issuerEn = (p: Params) => ('issuerName' in p ? `${p['issuerName']} (${p['issuerId']})` : p['issuerId']);
const statusZh = (word: string): Template => (p) =>
  `${day(p['date'])}被${issuerZh(p)}${word}：${p['reason']}` + ('actNotHeld' in p ? `；该决定的签名已不成立（${p['actNotHeld']}），颁发机构可予恢复` : '');
const statusEn = (word: string): Template => (p) =>
  `${word} on ${day(p['date'])} by ${issuerEn(p)}: ${p['reason']}` + ('actNotHeld' in p ? `; the signature of that act no longer holds (${p['actNotHeld']}), so the issuer may reinstate it` : '');
const sealRevokedZh = (p: Params) => `印章 ${p['sealId']} 已被 ${p['revokedBy']} 吊销，自${when(p['effectiveFrom'])}起生效（${when(p['recordedAt'])}记录）：${p['reason']}`;
const sealRevokedEn = (p: Params) => `seal ${p['sealId']} was revoked by ${p['revokedBy']} with effect from ${when(p['effectiveFrom'])} (recorded ${when(p['recordedAt'])}): ${p['reason']}`;

/** The chaincode's findings (licence and sealing verdicts) by code, instants in China Standard Time. */
const FINDINGS_ZH = {
  valid: (p) => `由${issuerZh(p)}于${day(p['issueDate'])}颁发，${'validUntil' in p ? `有效期至${when(p['validUntil'])}` : '长期有效'}`,
  licence_not_found: (p) => `链上没有电子证照 ${p['licenceId']}`,
  document_differs: (p) => `文件的 SM3 摘要 ${p['documentSm3']} 与登记的 ${p['registeredSm3']} 不一致`,
  signature_not_held: (p) => `${valueLabel(p['action'])}签名不成立：${p['detail']}`,
  unsigned_field: (p) => `记录的 ${p['field']} 与颁发机构签名的内容不一致`,
  signed_request_missing: () => '记录未保存颁发机构签名的请求，其内容无从核对',
  previous_version_missing: (p) => `记录所换发的上一版本 ${p['licenceId']} 缺失，其内容无从核对`,
  superseded: (p) => `${day(p['date'])}已被新版本 ${p['successor']} 取代（${p['reason']}）`,
  status_suspended: statusZh('暂扣'),
  status_revoked: statusZh('吊销'),
  status_cancelled: statusZh('撤销/注销'),
  window_expired: (p) => `有效期已于${when(p['validUntil'])}届满`,
  window_not_yet_valid: (p) => `尚未生效：有效期自${when(p['validFrom'])}开始`,
  sealing_valid: (p) => `以 ${p['ownerId']} 的印章 ${p['sealId']} 于${when(p['signTime'])}签章：签章签名验证通过，签章时印章已登记、在有效期内且未吊销`,
  sealing_not_found: (p) => `链上没有签章存证 ${p['sealingId']}`,
  seal_not_registered: (p) => `印章 ${p['sealId']} 未在链上登记`,
  maker_key_missing: (p) => `制章机构 ${p['makerId']} 为印章 ${p['sealId']} 签名所用的密钥 ${p['keyId']} 不在链上`,
  maker_signature_void: (p) => `制章机构对印章 ${p['sealId']} 的签名不再有效：${p['detail']}`,
  maker_signature_fails: (p) => `制章机构对印章 ${p['sealId']} 的签名验证失败：${p['detail']}`,
  seal_signature_fails: (p) => `签章签名无法用印章 ${p['sealId']} 的公钥验证：${p['detail']}`,
  seal_registered_after_sign_time: (p) => `印章 ${p['sealId']} 于${when(p['registeredAt'])}才在链上登记，晚于签章时间${when(p['signTime'])}`,
  seal_window_not_yet_valid: (p) => `印章 ${p['sealId']} 自${when(p['validFrom'])}起有效，晚于签章时间${when(p['signTime'])}`,
  seal_window_expired: (p) => `印章 ${p['sealId']} 已于${when(p['validTo'])}过期，不晚于签章时间${when(p['signTime'])}`,
  seal_revoked: (p) => `${sealRevokedZh(p)}；签章时间${when(p['signTime'])}不早于吊销生效时间`,
  seal_revoked_sign_time_claimed: (p) =>
    `${sealRevokedZh(p)}；签章时间${when(p['signTime'])}虽早于吊销生效时间，但仅是文件自称：该签章未在链上存证，无从证明签章在吊销之前`,
} satisfies Record<string, Template>;

const FINDINGS_EN: Record<keyof typeof FINDINGS_ZH, Template> = {
  valid: (p) => `valid: issued on ${day(p['issueDate'])} by ${issuerEn(p)}, ${'validUntil' in p ? `in force until ${when(p['validUntil'])}` : 'long-term'}`,
  licence_not_found: (p) => `no licence ${p['licenceId']} is on the ledger`,
  document_differs: (p) => `the document's SM3 digest ${p['documentSm3']} differs from the registered ${p['registeredSm3']}`,
  signature_not_held: (p) => `the ${p['action']} signature does not hold: ${p['detail']}`,
  unsigned_field: (p) => `the record's ${p['field']} differs from what the issuer signed`,
  signed_request_missing: () => 'the record keeps no signed request, so its content cannot be checked',
  previous_version_missing: (p) => `the previous version ${p['licenceId']} is missing, so the record's content cannot be checked`,
  superseded: (p) => `superseded on ${day(p['date'])} by version ${p['successor']} (${p['reason']})`,
  status_suspended: statusEn('suspended'),
  status_revoked: statusEn('revoked'),
  status_cancelled: statusEn('cancelled'),
  window_expired: (p) => `expired: its validity ended at ${when(p['validUntil'])}`,
  window_not_yet_valid: (p) => `not yet in force: its validity begins at ${when(p['validFrom'])}`,
  sealing_valid: (p) =>
    `sealed with seal ${p['sealId']} of ${p['ownerId']} at ${when(p['signTime'])}: the seal signature verifies, and the seal was registered, in force and unrevoked at that time`,
  sealing_not_found: (p) => `no sealing ${p['sealingId']} is recorded on the ledger`,
  seal_not_registered: (p) => `seal ${p['sealId']} is not registered on the ledger`,
  maker_key_missing: (p) => `the key ${p['keyId']} of maker ${p['makerId']} that signed seal ${p['sealId']} is not on the ledger`,
  maker_signature_void: (p) => `the maker's signature over seal ${p['sealId']} does not count: ${p['detail']}`,
  maker_signature_fails: (p) => `the maker's signature over seal ${p['sealId']} does not verify: ${p['detail']}`,
  seal_signature_fails: (p) => `the seal signature does not verify with the key of seal ${p['sealId']}: ${p['detail']}`,
  seal_registered_after_sign_time: (p) => `seal ${p['sealId']} was registered on the ledger at ${when(p['registeredAt'])}, after the sign time ${when(p['signTime'])}`,
  seal_window_not_yet_valid: (p) => `seal ${p['sealId']} is valid from ${when(p['validFrom'])}, after the sign time ${when(p['signTime'])}`,
  seal_window_expired: (p) => `seal ${p['sealId']} expired at ${when(p['validTo'])}, at or before the sign time ${when(p['signTime'])}`,
  seal_revoked: (p) => `${sealRevokedEn(p)}; the sign time ${when(p['signTime'])} is not before that`,
  seal_revoked_sign_time_claimed: (p) =>
    `${sealRevokedEn(p)}; the sign time ${when(p['signTime'])} precedes that but is only claimed: the sealing is not recorded on the ledger, so nothing shows it was made before the revocation`,
};

/** Params that refuse a read of any value they lack, so that no template ever shows `undefined`. */
function required(params: object): Params {
  return new Proxy(params as Params, {
    get(target, name) {
      const value = (target as Record<string | symbol, unknown>)[name];
      if (typeof value !== 'string') throw new Error(`no param ${String(name)}`);
      return value;
    },
  });
}

/**
 * A verdict's finding ({code, params}, as the API sends it beside each reason) in the page's language;
 * the English reason when the code is one this page does not know or the finding is not as expected.
 */
export function findingText(finding: unknown, reason: string): string {
  const { code, params } = (finding ?? {}) as { code?: unknown; params?: unknown };
  const templates = current === 'zh' ? FINDINGS_ZH : FINDINGS_EN;
  if (typeof code !== 'string' || !Object.hasOwn(templates, code) || typeof params !== 'object' || params === null) return reason;
  try {
    return templates[code as keyof typeof FINDINGS_ZH](required(params));
  } catch {
    return reason;
  }
}
