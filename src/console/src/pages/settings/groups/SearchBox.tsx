import { useEffect, useId, useRef, useState } from 'react';
import { Icon } from '../../../components/Icon.tsx';

/** A search field that applies as you type (debounced) and on Enter; an outside change (Back, reset) shows through. */
export function SearchBox({
  label,
  placeholder,
  value,
  onSearch,
}: {
  label: string;
  placeholder: string;
  value: string;
  onSearch: (value: string) => void;
}) {
  const [text, setText] = useState(value);
  const id = useId();
  const applied = useRef(value);

  useEffect(() => {
    if (value === applied.current) return;
    applied.current = value;
    setText(value);
  }, [value]);

  useEffect(() => {
    if (text === applied.current) return;
    const timer = window.setTimeout(() => {
      applied.current = text;
      onSearch(text);
    }, 250);
    return () => window.clearTimeout(timer);
  }, [text, onSearch]);

  return (
    <search className="toolbar" aria-label={label}>
      <div className="toolbar-search">
        <label htmlFor={id} className="sr-only">
          {label}
        </label>
        <Icon name="search" className="toolbar-search-icon" />
        <input
          id={id}
          type="search"
          className="input"
          placeholder={placeholder}
          value={text}
          maxLength={64}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key !== 'Enter') return;
            applied.current = text;
            onSearch(text);
          }}
        />
      </div>
    </search>
  );
}
