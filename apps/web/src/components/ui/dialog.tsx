import { type ReactNode, useEffect, useId, useLayoutEffect, useRef } from 'react';

export interface DialogProps {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  size?: 'sm' | 'md' | 'lg';
  /** False while something must finish (or be read) first: Escape and the backdrop do nothing. */
  dismissible?: boolean;
  /** Accessible name of the × button; omit to hide the button. */
  closeLabel?: string;
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal built on the native `<dialog>`: the browser makes the page behind it inert (so focus
 * cannot leave), Escape closes it, and focus goes back to whatever opened it. Content is only
 * rendered while open, so a closed dialog keeps nothing (such as a secret) in the page.
 */
export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  footer,
  size = 'md',
  dismissible = true,
  closeLabel,
}: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const titleId = useId();
  const descriptionId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
      focusInitial(dialog);
    } else if (!open && dialog.open) {
      dialog.close();
      restoreFocus(returnFocus.current);
    }
  }, [open]);

  // When the content changes under the focus (a confirmation turns into a result), the focused
  // button may be gone: put focus back inside the dialog rather than lose it to the page.
  useEffect(() => {
    const dialog = ref.current;
    if (open && dialog?.open && !dialog.contains(document.activeElement)) focusInitial(dialog);
  });

  // Unmounting while open (e.g. the page changed) must also give focus back.
  useEffect(() => {
    const dialog = ref.current;
    return () => {
      if (dialog?.open) {
        dialog.close();
        restoreFocus(returnFocus.current);
      }
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`dialog dialog--${size}`}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        // Escape: let React state decide, so the dialog and its owner never disagree.
        event.preventDefault();
        if (dismissible) onCloseRef.current();
      }}
      onKeyDown={(event) => {
        // Tab cycles within the dialog: from the last control to the first, and back with Shift.
        if (event.key !== 'Tab') return;
        const items = [...event.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
          (item) => item.offsetParent !== null || item === document.activeElement,
        );
        const first = items[0];
        const last = items.at(-1);
        if (!first || !last) return;
        if (event.shiftKey && document.activeElement === first) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault();
          first.focus();
        }
      }}
      onMouseDown={(event) => {
        // A press on the backdrop lands on the <dialog> element itself, not on its content.
        if (event.target === event.currentTarget && dismissible) onCloseRef.current();
      }}
    >
      {open ? (
        <div className="dialog__panel">
          <header className="dialog__header">
            <h2 className="dialog__title" id={titleId} tabIndex={-1}>
              {title}
            </h2>
            {closeLabel && dismissible ? (
              <button type="button" className="dialog__close" aria-label={closeLabel} onClick={onClose}>
                <span aria-hidden="true">×</span>
              </button>
            ) : null}
          </header>
          {description ? (
            <div className="dialog__description" id={descriptionId}>
              {description}
            </div>
          ) : null}
          {children ? <div className="dialog__body">{children}</div> : null}
          {footer ? <footer className="dialog__footer">{footer}</footer> : null}
        </div>
      ) : null}
    </dialog>
  );
}

function focusInitial(dialog: HTMLDialogElement) {
  const inBody = FOCUSABLE.split(', ')
    .map((selector) => `.dialog__body ${selector}`)
    .join(', ');
  const preferred =
    dialog.querySelector<HTMLElement>('[data-autofocus]') ??
    dialog.querySelector<HTMLElement>(inBody) ??
    dialog.querySelector<HTMLElement>('.dialog__footer button:not([disabled])') ??
    dialog.querySelector<HTMLElement>('.dialog__title');
  preferred?.focus();
}

function restoreFocus(target: HTMLElement | null) {
  // The opener may be gone (e.g. the row of a revoked token): fall back to the page heading.
  const fallback = document.querySelector<HTMLElement>('main h1');
  const element = target?.isConnected ? target : fallback;
  // After the dialog has closed, on the next frame, so the browser's own focus handling is done.
  requestAnimationFrame(() => element?.focus());
}
