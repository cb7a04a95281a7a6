/**
 * The cross-region case state machine (跨省通办 / 跨域办件), in one table. State codes are ours
 * (domain.md leaves them open). Each row says who may take an action from which states, in which
 * modes, and where it leads; nothing else in the contract decides what is allowed.
 */
export const CASE_MODES = [
  'online', // 全程网办: submitted online straight to the handling region, no collect / forward
  'collect_and_forward', // 异地代收代办: the collecting region checks form and identity and forwards
  'joint', // 多地联办: relayed like collect_and_forward, the handling region leads
] as const;
export type CaseMode = (typeof CASE_MODES)[number];

export const CASE_STATES = [
  'submitted', // 已申请
  'collected', // 已收件 (form and identity checked at the collecting region)
  'forwarded', // 已流转
  'accepted', // 已受理
  'rejected', // 不予受理 (final)
  'correction_requested', // 补正
  'resubmitted', // 已补正
  'in_process', // 办理中
  'suspended', // 特别程序 (the clock is paused)
  'concluded', // 已办结
  'delivered', // 已送达 (final)
  'withdrawn', // 已撤回 (final)
  'returned', // 已退回 (final)
] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const CASE_ACTIONS = [
  'collect',
  'forward',
  'accept',
  'reject',
  'request_correction',
  'resubmit',
  'return',
  'process',
  'suspend',
  'resume',
  'conclude',
  'deliver',
  'withdraw',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/** Which of the case's two regions acts. */
export type Side = 'collecting' | 'handling';

export interface Transition {
  action: CaseAction;
  by: Side;
  from: readonly CaseState[];
  to: CaseState;
  /** Only in these modes (all modes when absent). */
  modes?: readonly CaseMode[];
  /** The step must say why (rejection, correction request, return, suspension, withdrawal). */
  needsOpinion?: true;
}

const RELAYED = ['collect_and_forward', 'joint'] as const;
const ONLINE = ['online'] as const;
/** Where the handling region decides on acceptance: after forwarding, or straight after online submission. */
const RELAYED_DECISION = ['forwarded', 'resubmitted'] as const;
const ONLINE_DECISION = ['submitted', 'resubmitted'] as const;
/** Before conclusion the applicant may withdraw (through the collecting region). */
const OPEN_BEFORE_CONCLUSION = ['submitted', 'collected', 'forwarded', 'accepted', 'correction_requested', 'resubmitted', 'in_process', 'suspended'] as const;

export const TRANSITIONS: readonly Transition[] = [
  { action: 'collect', by: 'collecting', from: ['submitted'], to: 'collected', modes: RELAYED },
  { action: 'forward', by: 'collecting', from: ['collected'], to: 'forwarded', modes: RELAYED },
  { action: 'accept', by: 'handling', from: RELAYED_DECISION, to: 'accepted', modes: RELAYED },
  { action: 'accept', by: 'handling', from: ONLINE_DECISION, to: 'accepted', modes: ONLINE },
  { action: 'reject', by: 'handling', from: RELAYED_DECISION, to: 'rejected', modes: RELAYED, needsOpinion: true },
  { action: 'reject', by: 'handling', from: ONLINE_DECISION, to: 'rejected', modes: ONLINE, needsOpinion: true },
  { action: 'request_correction', by: 'handling', from: RELAYED_DECISION, to: 'correction_requested', modes: RELAYED, needsOpinion: true },
  { action: 'request_correction', by: 'handling', from: ONLINE_DECISION, to: 'correction_requested', modes: ONLINE, needsOpinion: true },
  { action: 'resubmit', by: 'collecting', from: ['correction_requested'], to: 'resubmitted' },
  { action: 'return', by: 'handling', from: RELAYED_DECISION, to: 'returned', modes: RELAYED, needsOpinion: true },
  { action: 'process', by: 'handling', from: ['accepted'], to: 'in_process' },
  { action: 'suspend', by: 'handling', from: ['in_process'], to: 'suspended', needsOpinion: true },
  { action: 'resume', by: 'handling', from: ['suspended'], to: 'in_process' },
  { action: 'conclude', by: 'handling', from: ['in_process'], to: 'concluded' },
  { action: 'deliver', by: 'handling', from: ['concluded'], to: 'delivered' },
  { action: 'withdraw', by: 'collecting', from: OPEN_BEFORE_CONCLUSION, to: 'withdrawn', needsOpinion: true },
];

/** States in which the promised completion time still runs (overdue() looks only at these). */
export const RUNNING_STATES: readonly CaseState[] = OPEN_BEFORE_CONCLUSION;

/** The row allowing `action` from `state` in `mode`, or undefined when the state does not allow it. */
export function findTransition(mode: CaseMode, state: CaseState, action: CaseAction): Transition | undefined {
  return TRANSITIONS.find((t) => t.action === action && t.from.includes(state) && (t.modes === undefined || t.modes.includes(mode)));
}

/** The actions open from `state` in `mode` (for error messages). */
export function actionsFrom(mode: CaseMode, state: CaseState): CaseAction[] {
  return [...new Set(TRANSITIONS.filter((t) => t.from.includes(state) && (t.modes === undefined || t.modes.includes(mode))).map((t) => t.action))];
}
