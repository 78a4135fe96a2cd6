import { createBrowserRouter, Navigate } from 'react-router';
import { LoginPage } from '../features/auth/components/login-page.tsx';
import { SignUpPage } from '../features/auth/components/signup-page.tsx';
import { NoticesPage } from '../features/notices/components/notices-page.tsx';
import { WebhooksPage } from '../features/notices/components/webhooks-page.tsx';
import { ConsentPage } from '../features/oauth/components/consent-page.tsx';
import { DevicePage } from '../features/oauth/components/device-page.tsx';
import { ProvidersPage } from '../features/providers/components/providers-page.tsx';
import { RepoCredentials } from '../features/repos/components/repo-credentials.tsx';
import { RepoLayout } from '../features/repos/components/repo-layout.tsx';
import { RepoOverview } from '../features/repos/components/repo-overview.tsx';
import { ReposPage } from '../features/repos/components/repos-page.tsx';
import { TaskGroupPage } from '../features/repos/components/task-group-page.tsx';
import { SecurityLogPage } from '../features/security-log/components/security-log-page.tsx';
import { PasswordPage } from '../features/sessions/components/password-page.tsx';
import { SessionsPage } from '../features/sessions/components/sessions-page.tsx';
import { NewTokenPage } from '../features/tokens/components/new-token-page.tsx';
import { TokenDetailPage } from '../features/tokens/components/token-detail-page.tsx';
import { TokensPage } from '../features/tokens/components/tokens-page.tsx';
import { AgentFormRoute, AgentRoute, AgentsRoute } from './agent-routes.tsx';
import { AppLayout, SettingsLayout } from './app-layout.tsx';
import { NotFoundPage } from './not-found.tsx';
import { RequireAuth } from './require-auth.tsx';

/** Every screen and its address. Features never import each other; this file composes them. */
export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  { path: '/signup', element: <SignUpPage /> },
  {
    element: <RequireAuth />,
    children: [
      {
        element: <AppLayout />,
        children: [
          { index: true, element: <Navigate to="/settings/tokens" replace /> },
          {
            path: 'settings',
            element: <SettingsLayout />,
            children: [
              { index: true, element: <Navigate to="/settings/tokens" replace /> },
              { path: 'tokens', element: <TokensPage /> },
              { path: 'tokens/new', element: <NewTokenPage /> },
              { path: 'tokens/:id', element: <TokenDetailPage /> },
              { path: 'security-log', element: <SecurityLogPage /> },
              { path: 'sessions', element: <SessionsPage /> },
              { path: 'password', element: <PasswordPage /> },
              { path: 'providers', element: <ProvidersPage /> },
              { path: 'notices', element: <NoticesPage /> },
              { path: 'webhooks', element: <WebhooksPage /> },
            ],
          },
          { path: 'repos', element: <ReposPage /> },
          {
            path: 'repos/:id',
            element: <RepoLayout />,
            children: [
              { index: true, element: <RepoOverview /> },
              { path: 'credentials', element: <RepoCredentials /> },
              { path: 'task-groups/:groupId', element: <TaskGroupPage /> },
            ],
          },
          { path: 'agents', element: <AgentsRoute /> },
          { path: 'agents/new', element: <AgentFormRoute mode="create" /> },
          { path: 'agents/:id', element: <AgentRoute /> },
          { path: 'agents/:id/edit', element: <AgentFormRoute mode="edit" /> },
          { path: 'device', element: <DevicePage /> },
          { path: 'oauth/consent', element: <ConsentPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
