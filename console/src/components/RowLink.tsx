/**
 * A link inside a VirtualTable row: a plain anchor, which the table's one click handler hands to
 * the router (see VirtualTable). react-router's Link runs several hooks per link, and a scroll
 * through a long list mounts dozens of rows a second.
 */
import type { ReactNode } from 'react';

export function RowLink(props: { to: string; children: ReactNode; 'aria-label'?: string }) {
  return (
    <a className="berth-link" href={props.to} data-row-link="" aria-label={props['aria-label']}>
      {props.children}
    </a>
  );
}
