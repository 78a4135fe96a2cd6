import { type ReactNode, useId, useState } from 'react';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog.tsx';
import { CopyButton } from '../../../components/ui/copy-button.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import type { NoticeMessage } from '../../../components/ui/notice.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import type { ReissuedAutomationToken } from '../../../lib/api-types.ts';
import { errorMessage } from '../../../lib/error-message.ts';
import { useCloseTaskGroup } from '../api/close-task-group.ts';
import { useReissueAutomationToken } from '../api/reissue-automation-token.ts';

/** What the actions need of a task group: its id, its title, and whether its token still works. */
export interface GroupTarget {
  id: string;
  title: string;
  hasLiveToken: boolean;
}

/**
 * "Issue a new token" and "Close group" for a task group (ADR 0024): the confirmations, the
 * one-time reveal of a new secret, and the outcome as a notice. Used by the Credentials tab and
 * the task group's page, so both say the same thing.
 */
export function useTaskGroupActions(repoId: string, onNotice: (notice: NoticeMessage) => void) {
  const t = useT();
  const reissue = useReissueAutomationToken(repoId);
  const close = useCloseTaskGroup(repoId);
  const [reissueTarget, setReissueTarget] = useState<GroupTarget | null>(null);
  const [closeTarget, setCloseTarget] = useState<GroupTarget | null>(null);
  // The secret lives only here, and only until the reveal closes.
  const [revealed, setRevealed] = useState<{ group: string; issued: ReissuedAutomationToken } | null>(null);
  // Kept while a dialog animates out, so its text does not go blank.
  const [lastGroup, setLastGroup] = useState('');

  const dialogs: ReactNode = (
    <>
      <ConfirmDialog
        open={reissueTarget !== null}
        title={t('repos.automation.reissueTitle', { group: reissueTarget?.title ?? lastGroup })}
        body={
          reissueTarget?.hasLiveToken
            ? t('repos.automation.reissueBodyLive')
            : t('repos.automation.reissueBody')
        }
        confirmLabel={t('repos.automation.reissueConfirm')}
        cancelLabel={t('app.cancel')}
        closeLabel={t('app.close')}
        tone={reissueTarget?.hasLiveToken ? 'danger' : 'primary'}
        pending={reissue.isPending}
        error={reissue.isError ? errorMessage(reissue.error, t) : undefined}
        onClose={() => {
          reissue.reset();
          setReissueTarget(null);
        }}
        onConfirm={() => {
          const target = reissueTarget;
          if (!target) return;
          reissue.mutate(target.id, {
            onSuccess: (issued) => {
              setReissueTarget(null);
              setRevealed({ group: target.title, issued });
              onNotice({ text: t('repos.automation.reissued', { group: target.title }) });
            },
          });
        }}
      />
      <ConfirmDialog
        open={closeTarget !== null}
        title={t('repos.automation.closeTitle', { group: closeTarget?.title ?? lastGroup })}
        body={t('repos.automation.closeBody')}
        confirmLabel={t('repos.automation.closeConfirm')}
        cancelLabel={t('app.cancel')}
        closeLabel={t('app.close')}
        pending={close.isPending}
        error={close.isError ? errorMessage(close.error, t) : undefined}
        onClose={() => {
          close.reset();
          setCloseTarget(null);
        }}
        onConfirm={() => {
          const target = closeTarget;
          if (!target) return;
          close.mutate(target.id, {
            onSuccess: () => {
              setCloseTarget(null);
              onNotice({ text: t('repos.automation.closed', { group: target.title }) });
            },
          });
        }}
      />
      <SecretDialog
        revealed={revealed}
        onClose={() => {
          setRevealed(null);
          reissue.reset();
        }}
      />
    </>
  );

  return {
    dialogs,
    askReissue(target: GroupTarget) {
      setLastGroup(target.title);
      setReissueTarget(target);
    },
    askClose(target: GroupTarget) {
      setLastGroup(target.title);
      setCloseTarget(target);
    },
  };
}

function SecretDialog({
  revealed,
  onClose,
}: {
  revealed: { group: string; issued: ReissuedAutomationToken } | null;
  onClose: () => void;
}) {
  const t = useT();
  const id = useId();
  const [title, setTitle] = useState('');
  if (revealed && title !== revealed.group) setTitle(revealed.group);
  return (
    <Dialog
      open={revealed !== null}
      onClose={onClose}
      title={t('repos.automation.revealTitle', { group: revealed?.group ?? title })}
      closeLabel={t('app.close')}
      // Dismissing by Escape or a click outside would lose the secret unnoticed.
      dismissible={false}
      footer={
        <Button variant="primary" onClick={onClose}>
          {t('repos.automation.revealDone')}
        </Button>
      }
    >
      {revealed ? (
        <div className="secret-reveal">
          <Alert tone="warning" live="status">
            {t('tokens.reveal.warning')}
          </Alert>
          <p className="field__label" id={`${id}-label`}>
            {t('tokens.reveal.label', { name: revealed.issued.token.name })}
          </p>
          <div className="secret-reveal__row">
            <output className="secret" aria-labelledby={`${id}-label`} data-testid="automation-token-secret">
              {revealed.issued.secret}
            </output>
            <CopyButton
              getText={() => revealed.issued.secret}
              label={t('tokens.reveal.copy')}
              copiedLabel={t('tokens.reveal.copied')}
              failedLabel={t('tokens.reveal.copyFailed')}
            />
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}
