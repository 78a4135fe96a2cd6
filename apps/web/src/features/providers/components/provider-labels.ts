import type { ChipTone } from '../../../components/ui/chip.tsx';
import type { ProviderAccountStatus } from '../../../lib/api-types.ts';

export const PROVIDERS = ['github', 'gitlab', 'bitbucket'] as const;

export const STATUS_TONE: Record<ProviderAccountStatus, ChipTone> = {
  ok: 'success',
  unchecked: 'neutral',
  invalid_token: 'danger',
  token_expired: 'warning',
  insufficient_permissions: 'warning',
  unreachable: 'warning',
};
