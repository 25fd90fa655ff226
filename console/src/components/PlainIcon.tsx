/**
 * An antd icon drawn from its SVG definition (@ant-design/icons-svg, which @ant-design/icons is
 * built on) without @ant-design/icons' component: no icon context and no style injection, so the
 * frame and list rows can show icons before (or without) antd.
 */
import type { ReactNode } from 'react';
import type { AbstractNode, IconDefinition } from '@ant-design/icons-svg/es/types';

function draw(node: AbstractNode, key?: number): ReactNode {
  const Tag = node.tag as 'svg';
  return (
    <Tag key={key} {...node.attrs}>
      {node.children?.map((c, i) => draw(c, i))}
    </Tag>
  );
}

/** `node` as SVG markup. */
function markup(node: AbstractNode): string {
  const attrs = Object.entries(node.attrs)
    .map(([k, v]) => ` ${k}="${v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}"`)
    .join('');
  return `<${node.tag}${attrs}>${(node.children ?? []).map(markup).join('')}</${node.tag}>`;
}

/** Icon classes already defined. */
const maskClasses = new Map<IconDefinition, string>();

/**
 * A class that draws `icon` on an empty element as a CSS mask in the text's colour (shell.css
 * .berth-mask-icon): no SVG elements, for icons repeated in every list row. Defines the class
 * (one style rule) the first time it is asked for.
 */
export function maskIconClass(icon: IconDefinition): string {
  let cls = maskClasses.get(icon);
  if (cls === undefined) {
    cls = `berth-mi-${icon.name}-${icon.theme}`;
    const root = typeof icon.icon === 'function' ? icon.icon('#000', '#000') : icon.icon;
    const svg = markup({ ...root, attrs: { ...root.attrs, xmlns: 'http://www.w3.org/2000/svg' } });
    const url = `url("data:image/svg+xml,${encodeURIComponent(svg)}")`;
    const style = document.createElement('style');
    style.textContent = `.${cls}{-webkit-mask-image:${url};mask-image:${url}}`;
    document.head.appendChild(style);
    maskClasses.set(icon, cls);
  }
  return cls;
}

/** Each icon's element, drawn once (list rows show the same icon many times). */
const drawn = new WeakMap<IconDefinition, ReactNode>();

/** `icon` at the text's size and colour, hidden from screen readers (its label says what it does). */
export function PlainIcon({ icon }: { icon: IconDefinition }) {
  let svg = drawn.get(icon);
  if (svg === undefined) {
    const root = typeof icon.icon === 'function' ? icon.icon('currentColor', '#e6f4ff') : icon.icon;
    svg = draw({
      ...root,
      attrs: { ...root.attrs, width: '1em', height: '1em', fill: 'currentColor', focusable: 'false' },
    });
    drawn.set(icon, svg);
  }
  return (
    <span className="berth-icon" aria-hidden>
      {svg}
    </span>
  );
}
