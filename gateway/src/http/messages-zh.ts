/**
 * The Chinese message (messageZh) every API error carries beside its English `message`, chosen by the
 * machine-readable code: what the portal shows in zh-CN, and what any Chinese client may show as is.
 * The English message stays the precise one (it names the field or the identifier's wrong part).
 */

const BY_CODE: Record<string, string> = {
  VALIDATION_FAILED: '请求内容不符合要求，请检查填写的字段',
  MALFORMED_JSON: '请求内容不是有效的 JSON',
  EMPTY_UPLOAD: '上传的文件是空文件',
  INVALID_IDENTIFIER: '标识格式不正确',
  NOT_FOUND: '链上没有该记录',
  ROUTE_NOT_FOUND: '没有这个接口地址',
  METHOD_NOT_ALLOWED: '该接口不支持此请求方法',
  UNAUTHENTICATED: '需要有效的访问令牌',
  TOKEN_REVOKED: '访问令牌已被吊销',
  TOKEN_EXPIRED: '访问令牌已过期',
  FORBIDDEN: '无权执行此操作',
  AGENCY_SUSPENDED: '该机构已被暂停，其令牌暂不可用',
  INVALID_STATE: '记录当前状态不允许此操作',
  ALREADY_EXISTS: '记录已存在',
  REPLAY: '该请求编号已使用过',
  OPERATION_MISMATCH: '签名所授权的操作与所调用的操作不一致',
  SIGNATURE_INVALID: '签名验证未通过',
  KEY_NOT_FOUND: '找不到签名所用的密钥',
  KEY_NOT_VALID: '签名所用的密钥在签名时无效',
  PROOF_INVALID: '证明验证未通过',
  NO_SIGNING_KEY: '网关未保管该机构的签名密钥',
  ANCHOR_IN_PROGRESS: '该机构有一批存证正在上链，请稍后再试',
  BODY_TOO_LARGE: '请求内容过大',
  UNSUPPORTED_MEDIA_TYPE: '请求内容类型不受支持',
  LEDGER_CONFLICT: '账本写入冲突，请重试',
  LEDGER_UNAVAILABLE: '账本暂时不可用，请稍后再试',
  NOT_AVAILABLE: '该功能暂不可用',
  OFD_UNREADABLE: '上传的文件不是可读取的 OFD 文件',
  OFD_NOT_VALID: '只有核验结果为有效的签章文件才能存证',
  NOT_INITIALISED: '链尚未初始化',
  INTERNAL: '服务内部错误，请稍后再试或联系管理员',
};

/** GB/T 36904 parts of a licence identifier, as `details.part` names them. */
const IDENTIFIER_PARTS: Record<string, string> = {
  root: '根标识',
  segments: '分段',
  licenceTypeCode: '证照类型代码',
  issuerCode: '颁发机构代码',
  serialNumber: '顺序号',
  version: '版本号',
  checkCharacter: '校验位',
};

/** Why an upload is no readable OFD, as `details.reason` names it. */
const OFD_REASONS: Record<string, string> = {
  NOT_A_ZIP: '不是完整的 ZIP 容器',
  ZIP_LIMIT: '超出条目数、大小或压缩比限制',
  UNSAFE_PATH: '含不安全的路径',
  BAD_XML: 'XML 不合规或含 DTD、实体',
  NOT_OFD: '缺少 OFD.xml 或其所指文件',
  OFD_LIMIT: '文档、签章或引用数超出限制',
};

const BY_STATUS: Record<number, string> = { 400: '请求有误', 401: '需要身份验证', 403: '无权访问', 404: '未找到', 409: '状态冲突', 413: '请求过大', 415: '内容类型不受支持', 422: '验证未通过' };

/** The Chinese message of an error: by its code, with the identifier's wrong part when known. */
export function messageZh(status: number, code: string, details?: Record<string, unknown>): string {
  const base = BY_CODE[code] ?? BY_STATUS[status] ?? (status >= 500 ? BY_CODE.INTERNAL! : '请求未能完成');
  const part = code === 'INVALID_IDENTIFIER' && typeof details?.part === 'string' ? IDENTIFIER_PARTS[details.part] : undefined;
  if (part) return `${base}（${part}有误）`;
  const reason = code === 'OFD_UNREADABLE' && typeof details?.reason === 'string' ? OFD_REASONS[details.reason] : undefined;
  return reason ? `${base}：${reason}` : base;
}
