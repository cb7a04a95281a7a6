import { makeUscc } from '@henan-chain/crypto';

/**
 * Demo agencies of Henan. Their unified social credit codes (统一社会信用代码) are made here from a
 * fixed 17-character body, so the check character (GB 32100) is computed by our own code.
 */
export const DEMO_AGENCIES = {
  market: {
    name: '河南省市场监督管理局',
    agencyId: makeUscc('11410000MB1957420'),
    regionCode: '410000',
    mspId: 'HenanProvinceMSP',
    roles: ['issuer', 'seal_owner'],
  },
  zhengzhou: {
    name: '郑州市行政审批和政务信息管理局',
    agencyId: makeUscc('11410100MB0T31836'),
    regionCode: '410100',
    mspId: 'ZhengzhouMSP',
    roles: ['issuer', 'seal_owner', 'provider', 'region'],
  },
  luoyang: {
    name: '洛阳市行政审批服务局',
    agencyId: makeUscc('11410300MB1K55730'),
    regionCode: '410300',
    mspId: 'HenanProvinceMSP',
    roles: ['consumer', 'region'],
  },
  bigData: {
    name: '河南省大数据管理局',
    agencyId: makeUscc('11410000MB1F73020'),
    regionCode: '410000',
    mspId: 'HenanProvinceMSP',
    roles: ['seal_maker', 'provider', 'consumer', 'auditor'],
  },
} as const;

export type DemoAgencyKey = keyof typeof DEMO_AGENCIES;

/** 国家市场监督管理总局, the authority that defines the licence types below. */
export const SAMR = makeUscc('11100000MB0143028');

/** 证照类型代码: the defining authority's credit code + a 3-digit number. */
export const LICENCE_TYPES = {
  businessLicence: { code: `${SAMR}001`, name: '营业执照' },
  foodBusiness: { code: `${SAMR}002`, name: '食品经营许可证' },
} as const;

/** Companies that hold the demo licences (legal entities: their names are public). */
export const DEMO_HOLDERS = [
  { code: makeUscc('91410100MA44RKD3X'), name: '郑州中原数智科技有限公司' },
  { code: makeUscc('91410300MA47TQ2H8'), name: '洛阳牡丹食品有限公司' },
  { code: makeUscc('91410100MA45N0PL1'), name: '郑州二七餐饮管理有限公司' },
  { code: makeUscc('91410000MA40GW6E5'), name: '河南豫信物流有限公司' },
  { code: makeUscc('91410100MA46AB7C2'), name: '郑州金水商贸有限公司' },
  { code: makeUscc('91410300MA48XY9D3'), name: '洛阳龙门文旅有限公司' },
] as const;
