import { type KeyboardEvent, useEffect, useId, useRef } from 'react';

export interface ActionMenuItem {
  label: string;
  onSelect: () => void;
  tone?: 'danger';
}

export interface ActionMenuProps {
  /** Accessible name of the button, e.g. "Actions for CI deploy". */
  label: string;
  items: ActionMenuItem[];
}

/**
 * A menu button (WAI-ARIA menu pattern) whose menu is a native popover: it sits in the top
 * layer, so a table's scrolling box cannot clip it, and the browser closes it on Escape or an
 * outside click. Arrow keys, Home and End move between items; focus returns to the button.
 */
export function ActionMenu({ label, items }: ActionMenuProps) {
  const id = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  // Which item takes focus when the menu opens: ArrowUp on the button opens it at the last one.
  // The popover's toggle event comes a task later than the key, so the choice waits for it here.
  const focusOnOpen = useRef<'first' | 'last'>('first');

  useEffect(() => {
    const menu = menuRef.current;
    const button = buttonRef.current;
    if (!menu || !button) return;
    // While open, the menu follows its button when the page scrolls or resizes.
    let frame = 0;
    const follow = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => place(menu, button));
    };
    const onToggle = (event: Event) => {
      const open = (event as ToggleEvent).newState === 'open';
      button.setAttribute('aria-expanded', String(open));
      if (open) {
        place(menu, button);
        menu.style.visibility = '';
        const items = menu.querySelectorAll<HTMLElement>('[role="menuitem"]');
        const target = focusOnOpen.current === 'last' ? items[items.length - 1] : items[0];
        focusOnOpen.current = 'first';
        target?.focus({ preventScroll: true });
        window.addEventListener('resize', follow);
        window.addEventListener('scroll', follow, true);
      } else {
        window.removeEventListener('resize', follow);
        window.removeEventListener('scroll', follow, true);
        if (menu.contains(document.activeElement) || document.activeElement === document.body) button.focus();
      }
    };
    // Hidden until placed, so it never flashes at the corner of the screen for a frame.
    const onBeforeToggle = (event: Event) => {
      if ((event as ToggleEvent).newState === 'open') menu.style.visibility = 'hidden';
    };
    menu.addEventListener('beforetoggle', onBeforeToggle);
    menu.addEventListener('toggle', onToggle);
    return () => {
      cancelAnimationFrame(frame);
      menu.removeEventListener('beforetoggle', onBeforeToggle);
      menu.removeEventListener('toggle', onToggle);
      window.removeEventListener('resize', follow);
      window.removeEventListener('scroll', follow, true);
    };
  }, []);

  const menuItems = () => [...(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];

  const onMenuKeyDown = (event: KeyboardEvent) => {
    const list = menuItems();
    const index = list.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => {
      event.preventDefault();
      list[(to + list.length) % list.length]?.focus();
    };
    if (event.key === 'ArrowDown') move(index + 1);
    else if (event.key === 'ArrowUp') move(index - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(list.length - 1);
    else if (event.key === 'Tab') menuRef.current?.hidePopover();
  };

  const onButtonKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      focusOnOpen.current = event.key === 'ArrowUp' ? 'last' : 'first';
      if (menuRef.current?.matches(':popover-open')) {
        const list = menuItems();
        (event.key === 'ArrowUp' ? list.at(-1) : list[0])?.focus();
      } else {
        menuRef.current?.showPopover();
      }
    }
  };

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className="btn btn--ghost btn--sm action-menu__button"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded="false"
        aria-controls={`${id}-menu`}
        popoverTarget={`${id}-menu`}
        onKeyDown={onButtonKeyDown}
      >
        <span aria-hidden="true" className="action-menu__dots">
          ⋯
        </span>
      </button>
      <div
        ref={menuRef}
        id={`${id}-menu`}
        popover="auto"
        role="menu"
        aria-label={label}
        className="action-menu"
        onKeyDown={onMenuKeyDown}
      >
        {items.map((item) => (
          <button
            key={item.label}
            type="button"
            role="menuitem"
            tabIndex={-1}
            className={`action-menu__item ${item.tone === 'danger' ? 'action-menu__item--danger' : ''}`}
            onClick={() => {
              // Focus the button first, so a dialog opened next returns focus there when it closes.
              buttonRef.current?.focus();
              menuRef.current?.hidePopover();
              item.onSelect();
            }}
          >
            {item.label}
          </button>
        ))}
      </div>
    </>
  );
}

/** Puts the menu under the button, right-aligned, flipping above when there is no room below. */
function place(menu: HTMLElement, button: HTMLElement) {
  const anchor = button.getBoundingClientRect();
  const width = menu.offsetWidth;
  const height = menu.offsetHeight;
  const margin = 8;
  const left = Math.min(Math.max(margin, anchor.right - width), window.innerWidth - width - margin);
  const below = anchor.bottom + 4;
  const top =
    below + height > window.innerHeight - margin ? Math.max(margin, anchor.top - height - 4) : below;
  menu.style.left = `${left}px`;
  menu.style.top = `${top}px`;
}
