// Calls to the REST API as the signed-in user; a 401 sends the browser to sign in. A refused call
// carries the API's reason (details.reason), which refusalText() says in Chinese.
import { labels } from './labels.js';

export class ApiError extends Error {
  constructor(status, message, reason) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

export function toSignIn() {
  location.assign(`login.html?next=${encodeURIComponent(location.pathname + location.hash)}`);
}

export async function api(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: body ? { 'content-type': 'application/json' } : undefined,
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status === 401) {
    toSignIn();
    throw new ApiError(401, '请重新登录');
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, data.error ?? `HTTP ${res.status}`, data.details?.reason);
  return data;
}

// The workflow's refusals name the situation in English; the agent reads it in Chinese.
const DETAILS = [
  [/is offline/, '对方已离线'],
  [/is away/, '对方处于离开状态'],
  [/no free capacity/, '对方的接待量已满'],
  [/not serving this WeCom account/, '对方没有在企业微信中接待这个客服账号'],
  [/already with that agent/, '会话已经在这位客服名下'],
  [/due time has passed/, '截止时间已经过去'],
  [/days ahead/, '截止时间太远'],
  [/text is empty/, '内容为空'],
  [/WeCom limit/, '内容超过企业微信的长度上限'],
  [/wecom mode/, '企业微信接待模式下请在企业微信中操作'],
  [/only supervisors set a customer/, '只有主管可以设置客户等级'],
  [/at most \d+ tags/, '客户的标签已达上限，请先删除一些'],
  [/a tag has at most/, '标签太长（最多 64 个字）'],
  [/a tag may not contain/, '标签不能包含 , ; | 、 或换行'],
  [/a tag may not start with -/, '标签不能以 - 开头'],
];

/** What went wrong, in Chinese: the refusal's kind and, when known, the particular situation. */
export function refusalText(error) {
  if (!(error instanceof ApiError)) return `操作失败：${error.message}`;
  const detail = DETAILS.find(([pattern]) => pattern.test(error.message))?.[1];
  const kind = error.reason ? labels.refusals?.[error.reason] : undefined;
  if (kind || detail) return [kind, detail].filter(Boolean).join('：');
  if (error.status === 403) return '没有权限：这个会话不在您名下';
  if (error.status === 404) return '会话不存在或已结束';
  if (error.status === 400) return `请求无效：${error.message}`;
  if (error.status === 202) return '已受理，正在处理';
  return `操作失败（${error.status}）：${error.message}`;
}
