// Who is signed in and the latest roster of agents (from the live stream), for every module.
export const session = {
  /** GET /api/auth/me: userId, name, role, agentId. */
  me: undefined,
  /** The agents with status, load and free slots (the `agents` event). */
  agents: [],
};

export const isSupervisor = () => session.me?.role === 'supervisor' || session.me?.role === 'admin';
