/**
 * The filter menu of a VirtualTable column: a button opening a checkbox list (antd Popover).
 * Its own chunk, loaded when a table has a filterable column, so the overview's table (none)
 * does not bring antd into the first load.
 */
import type { ReactNode } from 'react';
import { Button, Checkbox, Popover } from 'antd';
import { FilterFilled } from '@ant-design/icons';
import { t } from '../texts.ts';

export type FilterValue = string | number | boolean;

export default function TableFilter(props: {
  title: ReactNode;
  options: { text: ReactNode; value: FilterValue }[];
  chosen: FilterValue[];
  onChange: (values: FilterValue[]) => void;
}) {
  const active = props.chosen.length > 0;
  return (
    <Popover
      trigger="click"
      placement="bottom"
      content={
        <Checkbox.Group
          style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
          value={props.chosen}
          options={props.options.map((o) => ({ label: o.text, value: o.value }))}
          onChange={(v) => props.onChange(v as FilterValue[])}
        />
      }
    >
      <Button
        type="text"
        size="small"
        className={active ? 'berth-vt-filter-on' : undefined}
        icon={<FilterFilled />}
        aria-label={`${t.common.filter} ${typeof props.title === 'string' ? props.title : ''}`.trim()}
        aria-pressed={active}
      />
    </Popover>
  );
}
