// Menu ids the conversation sends in WeCom msgmenus. Each carries what it answers: a "did that
// help?" menu its bot turn, a survey its session. A click is applied to the turn it belongs to, or
// to nothing: a customer tapping 未解决 under an answer from five questions ago starts no handoff.

export type ConfirmOption = 'yes' | 'no' | 'human';
export type SurveyScore = 'satisfied' | 'neutral' | 'dissatisfied';

export const confirmMenuId = (option: ConfirmOption, turn: number) => `confirm_${option}.${turn}`;
export const surveyMenuId = (score: SurveyScore, session: number) => `csat_${score}.${session}`;

export type MenuClick =
  { menu: 'confirm'; option: ConfirmOption; turn?: number } | { menu: 'survey'; score: SurveyScore; session?: number };

const CONFIRM = /^confirm_(yes|no|human)(?:\.(\d+))?$/;
const SURVEY = /^csat_(satisfied|neutral|dissatisfied)(?:\.(\d+))?$/;

/** Ids without a number come from menus sent before ids carried one: they answer the current turn. */
export function parseMenuId(id: string | undefined): MenuClick | undefined {
  if (!id) return undefined;
  const confirm = CONFIRM.exec(id);
  if (confirm) return { menu: 'confirm', option: confirm[1] as ConfirmOption, turn: numberOr(confirm[2]) };
  const survey = SURVEY.exec(id);
  if (survey) return { menu: 'survey', score: survey[1] as SurveyScore, session: numberOr(survey[2]) };
  return undefined;
}

export const isSurveyClick = (menuId: string | undefined) => parseMenuId(menuId)?.menu === 'survey';

const numberOr = (digits: string | undefined) => (digits === undefined ? undefined : Number(digits));
