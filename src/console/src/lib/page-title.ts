import { useEffect } from 'react';

/** Sets the tab title ("Users · Settings · Portcullis"), so tabs and history entries are recognisable. */
export function usePageTitle(...parts: string[]): void {
  const title = [...parts, 'Portcullis'].join(' · ');
  useEffect(() => {
    document.title = title;
  }, [title]);
}
