import { EditAgentPage, NewAgentPage } from '../features/agents/components/agent-form-page.tsx';
import { AgentPage } from '../features/agents/components/agent-page.tsx';
import { AgentsPage } from '../features/agents/components/agents-page.tsx';
import { useMe } from '../features/auth/api/get-me.ts';

// The agents screens need to know who is looking (to offer "edit" on one's own agents). The
// signed-in user belongs to the auth feature; features do not import each other, so the app
// hands the id over here.

export function AgentsRoute() {
  return <AgentsPage currentUserId={useMe().data?.user.id} />;
}

export function AgentRoute() {
  return <AgentPage currentUserId={useMe().data?.user.id} />;
}

export function AgentFormRoute({ mode }: { mode: 'create' | 'edit' }) {
  const userId = useMe().data?.user.id;
  return mode === 'create' ? <NewAgentPage /> : <EditAgentPage currentUserId={userId} />;
}
