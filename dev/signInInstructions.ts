// What `npm start` prints about signing in: the demo users the api creates on a first start in
// development (kb/demo-users.json), grouped by role with their passwords, and the other ways in.
import { readUsersFile } from '../api/auth/seedUsers';
import { DEFAULT_USERS_FILE, type Config } from '../config/env';

const ROLE_TITLES = { agent: 'agents', supervisor: 'supervisor', admin: 'admin' } as const;

export function signInInstructions(config: Config, apiUrl: string): string[] {
  const lines = [`Sign in at ${apiUrl}/console/login.html`];
  if (config.usersFile === DEFAULT_USERS_FILE) {
    lines[0] += ' (demo users, development only):';
    const groups = new Map<string, string[]>();
    for (const user of readUsersFile(config.usersFile)) {
      const key = `${ROLE_TITLES[user.role]}\t${user.password ?? '(WeCom only)'}`;
      groups.set(key, [...(groups.get(key) ?? []), `${user.userId}${user.kbEditor ? ' (KB editor)' : ''}`]);
    }
    for (const [key, users] of groups) {
      const [role, password] = key.split('\t') as [string, string];
      lines.push(`  ${role.padEnd(11)}${users.join(', ').padEnd(52)} password ${password}`);
    }
  } else if (config.usersFile) {
    lines[0] += ` (users from ${config.usersFile})`;
  }
  if (config.WECOM_AGENT_ID)
    lines.push('  or 使用企业微信登录 (WeCom sign-in; in the local stack the sandbox asks which member you are)');
  if (config.ADMIN_API_TOKEN)
    lines.push('  API: Authorization: Bearer $ADMIN_API_TOKEN acts as an admin (create users and API tokens)');
  return lines;
}
