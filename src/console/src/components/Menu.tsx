import {
  type CSSProperties,
  type KeyboardEvent,
  type ReactNode,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { createPortal } from 'react-dom';
import { Link } from 'react-router-dom';
import { Icon, type IconName } from './Icon.tsx';

export interface MenuItemProps {
  ref: (element: HTMLElement | null) => void;
  role: 'menuitem';
  tabIndex: -1;
  className: string;
}

export type MenuEntry =
  | { kind: 'link'; key: string; label: string; to: string; description?: string; icon?: IconName; current?: boolean }
  | {
      kind: 'action';
      key: string;
      label: string;
      onSelect: () => void;
      icon?: IconName;
      danger?: boolean;
      disabled?: boolean;
      hint?: string;
    }
  | { kind: 'custom'; key: string; render: (props: MenuItemProps) => ReactNode }
  | { kind: 'separator'; key: string }
  | { kind: 'header'; key: string; content: ReactNode };

interface MenuProps {
  /** Visible content of the button. */
  trigger: ReactNode;
  /** Accessible name of the button when its content is not enough (an icon, an avatar). */
  ariaLabel?: string;
  entries: MenuEntry[];
  openOnHover?: boolean;
  align?: 'start' | 'end';
  triggerClassName?: string;
  menuClassName?: string;
}

type Opener = 'hover' | 'click' | 'keyboard';

const GAP = 4;
const MARGIN = 8;

/**
 * Where an open menu goes: under its button (or over it, when there is more room above), aligned
 * with its start or end edge, kept inside the viewport, and never taller than the room it has.
 * Fixed to the viewport, so no scroll box or table clips it (issue 13.1: a row menu in the last row
 * of a table was cut off and a click fell through to the pagination under it).
 */
function placeMenu(button: DOMRect, menu: { width: number; height: number }, align: 'start' | 'end'): CSSProperties {
  const below = window.innerHeight - button.bottom - GAP - MARGIN;
  const above = button.top - GAP - MARGIN;
  const up = menu.height > below && above > below;
  const wanted = align === 'end' ? button.right - menu.width : button.left;
  const left = Math.max(MARGIN, Math.min(wanted, window.innerWidth - menu.width - MARGIN));
  const maxHeight = Math.max(120, up ? above : below);
  return {
    left,
    ...(up ? { bottom: window.innerHeight - button.top + GAP } : { top: button.bottom + GAP }),
    maxHeight,
    // Scrolls only when it must: a scroll box would clip the hover bridge to the button.
    ...(menu.height > maxHeight && { overflowY: 'auto' }),
  };
}

/**
 * A menu button (WAI-ARIA APG): Enter, Space or ArrowDown open it on the first item, ArrowUp on the
 * last; arrows, Home/End and a first letter move; Escape closes and returns focus; Tab leaves. With
 * `openOnHover` it also opens under the pointer, and a click then pins it open instead of closing it.
 * The open menu is drawn in a layer of its own over the page (a portal at the end of the document),
 * placed next to its button; React still treats it as inside the menu for events and hover.
 */
export function Menu({
  trigger,
  ariaLabel,
  entries,
  openOnHover,
  align = 'start',
  triggerClassName,
  menuClassName,
}: MenuProps) {
  const [open, setOpen] = useState(false);
  const [placement, setPlacement] = useState<CSSProperties | null>(null);
  const opener = useRef<Opener | null>(null);
  const pendingFocus = useRef<'first' | 'last' | null>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const items = useRef<(HTMLElement | null)[]>([]);
  const closeTimer = useRef<number | undefined>(undefined);
  const buttonId = useId();
  const menuId = useId();

  const focusItem = useCallback((which: 'first' | 'last' | number) => {
    const list = items.current.filter((item): item is HTMLElement => item !== null);
    if (!list.length) return;
    const index = which === 'first' ? 0 : which === 'last' ? list.length - 1 : (which + list.length) % list.length;
    list[index]?.focus();
  }, []);

  const show = (by: Opener, focus: 'first' | 'last' | null = null) => {
    window.clearTimeout(closeTimer.current);
    opener.current = by;
    if (open && focus) focusItem(focus);
    else pendingFocus.current = focus;
    setOpen(true);
  };

  const close = useCallback((returnFocus: boolean) => {
    window.clearTimeout(closeTimer.current);
    opener.current = null;
    setOpen(false);
    if (returnFocus) buttonRef.current?.focus();
  }, []);

  // Measured and placed before the browser paints, and again when anything scrolls or the window resizes.
  useLayoutEffect(() => {
    if (!open) {
      setPlacement(null);
      return;
    }
    const place = () => {
      const button = buttonRef.current;
      const menu = menuRef.current;
      if (!button || !menu) return;
      setPlacement(
        placeMenu(button.getBoundingClientRect(), { width: menu.offsetWidth, height: menu.scrollHeight }, align),
      );
    };
    place();
    window.addEventListener('resize', place);
    window.addEventListener('scroll', place, true);
    return () => {
      window.removeEventListener('resize', place);
      window.removeEventListener('scroll', place, true);
    };
  }, [open, align]);

  useEffect(() => {
    if (!open || !placement) return;
    if (pendingFocus.current) {
      focusItem(pendingFocus.current);
      pendingFocus.current = null;
    }
  }, [open, placement, focusItem]);

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!wrapRef.current?.contains(target) && !menuRef.current?.contains(target)) close(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open, close]);

  useEffect(() => () => window.clearTimeout(closeTimer.current), []);

  const onButtonKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === 'Enter' || event.key === ' ' || event.key === 'ArrowDown') {
      event.preventDefault();
      show('keyboard', 'first');
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      show('keyboard', 'last');
    } else if (event.key === 'Escape' && open) {
      close(true);
    }
  };

  const onButtonClick = () => {
    if (open && opener.current === 'hover') {
      opener.current = 'click';
      return;
    }
    if (open) close(false);
    else show('click');
  };

  const onMenuKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const list = items.current.filter((item): item is HTMLElement => item !== null);
    const current = list.indexOf(document.activeElement as HTMLElement);
    const moves: Record<string, 'first' | 'last' | number | 'close'> = {
      arrowdown: current + 1,
      arrowup: current < 0 ? -1 : current - 1,
      home: 'first',
      end: 'last',
      escape: 'close',
    };
    const move = moves[event.key.toLowerCase()];
    if (move !== undefined) {
      event.preventDefault();
      event.stopPropagation();
      if (move === 'close') close(true);
      else focusItem(move);
      return;
    }
    if (event.key === 'Tab') {
      close(false);
      return;
    }
    if (event.key.length === 1 && /\S/.test(event.key)) {
      const letter = event.key.toLowerCase();
      const order = [...list.slice(current + 1), ...list.slice(0, current + 1)];
      order.find((item) => item.textContent?.trim().toLowerCase().startsWith(letter))?.focus();
    }
  };

  const hoverProps = openOnHover
    ? {
        onMouseEnter: () => {
          window.clearTimeout(closeTimer.current);
          if (!open) show('hover');
        },
        onMouseLeave: () => {
          if (opener.current === 'hover') closeTimer.current = window.setTimeout(() => close(false), 180);
        },
      }
    : {};

  items.current = [];
  let index = 0;
  const itemRef = () => {
    const position = index++;
    return (element: HTMLElement | null) => {
      items.current[position] = element;
    };
  };

  return (
    <div className="menu-wrap" ref={wrapRef} {...hoverProps}>
      <button
        ref={buttonRef}
        id={buttonId}
        type="button"
        className={triggerClassName}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={ariaLabel}
        onClick={onButtonClick}
        onKeyDown={onButtonKeyDown}
      >
        {trigger}
      </button>
      {open &&
        createPortal(
          <div
            ref={menuRef}
            id={menuId}
            role="menu"
            aria-labelledby={buttonId}
            className={['menu', placement?.bottom !== undefined ? 'menu-up' : 'menu-down', menuClassName]
              .filter(Boolean)
              .join(' ')}
            // Until it is measured, it is laid out where nobody sees it.
            style={placement ?? { left: -10_000, top: 0, visibility: 'hidden' }}
            onKeyDown={onMenuKeyDown}
          >
            {entries.map((entry) => {
              switch (entry.kind) {
                case 'separator':
                  return <hr key={entry.key} className="menu-separator" />;
                case 'header':
                  return (
                    <div key={entry.key} className="menu-header">
                      {entry.content}
                    </div>
                  );
                case 'custom':
                  return (
                    <div key={entry.key} className="menu-custom">
                      {entry.render({ ref: itemRef(), role: 'menuitem', tabIndex: -1, className: 'menu-item' })}
                    </div>
                  );
                case 'link':
                  return (
                    <Link
                      key={entry.key}
                      ref={itemRef()}
                      to={entry.to}
                      role="menuitem"
                      tabIndex={-1}
                      className={entry.description ? 'menu-item menu-item-rich' : 'menu-item'}
                      aria-current={entry.current ? 'page' : undefined}
                      aria-label={entry.description ? entry.label : undefined}
                      aria-describedby={entry.description ? `${menuId}-${entry.key}` : undefined}
                      onClick={() => close(false)}
                    >
                      {entry.icon && (
                        <span className="menu-item-icon">
                          <Icon name={entry.icon} size={entry.description ? 18 : 16} />
                        </span>
                      )}
                      <span className="menu-item-text">
                        <span className="menu-item-label">{entry.label}</span>
                        {entry.description && (
                          <span className="menu-item-description" id={`${menuId}-${entry.key}`}>
                            {entry.description}
                          </span>
                        )}
                      </span>
                    </Link>
                  );
                case 'action':
                  return (
                    <button
                      key={entry.key}
                      ref={itemRef()}
                      type="button"
                      role="menuitem"
                      tabIndex={-1}
                      className={entry.danger ? 'menu-item menu-item-danger' : 'menu-item'}
                      aria-disabled={entry.disabled || undefined}
                      title={entry.disabled ? entry.hint : undefined}
                      onClick={() => {
                        if (entry.disabled) return;
                        close(true);
                        entry.onSelect();
                      }}
                    >
                      {entry.icon && (
                        <span className="menu-item-icon">
                          <Icon name={entry.icon} />
                        </span>
                      )}
                      <span className="menu-item-text">
                        <span className="menu-item-label">{entry.label}</span>
                      </span>
                    </button>
                  );
                default:
                  return null;
              }
            })}
          </div>,
          document.body,
        )}
    </div>
  );
}
