/**
 * antd's Popconfirm, mounted on the first click instead of with its button. A list row holds a
 * delete button each; a Popconfirm per row costs a popup trigger's hooks and listeners on every
 * row a scroll brings into view, though at most one confirmation is ever open.
 */
import { cloneElement, useState, type MouseEvent, type ReactElement } from 'react';
import { Popconfirm, type PopconfirmProps } from 'antd';

export function LazyPopconfirm(
  props: Omit<PopconfirmProps, 'children'> & {
    children: ReactElement<{ onClick?: (e: MouseEvent) => void; autoFocus?: boolean }>;
  },
) {
  const [armed, setArmed] = useState(false);
  const { children, ...rest } = props;
  if (!armed) return cloneElement(children, { onClick: () => setArmed(true) });
  return (
    // The button is mounted anew inside the Popconfirm: focus it again for keyboard users.
    <Popconfirm defaultOpen {...rest}>
      {cloneElement(children, { autoFocus: true })}
    </Popconfirm>
  );
}
