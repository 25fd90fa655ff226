/**
 * The frame around every cluster page: the cluster switcher and user menu on top, the side
 * navigation on the left (folding behind a button on narrow windows), the page in the middle.
 * Plain elements styled like antd (shell.css): the frame is on screen on every first load, and
 * antd's components and style sheet would cost that load a few hundred milliseconds. Pages built
 * with antd get its providers from AntdScope, loaded when the first such page opens; the
 * overview is plain and opens without it.
 */
import { lazy, Suspense, useEffect, useState, type MouseEvent } from 'react';
import { Link, Outlet, useLocation, useNavigate, useParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import ApiOutlined from '@ant-design/icons-svg/es/asn/ApiOutlined';
import AppstoreOutlined from '@ant-design/icons-svg/es/asn/AppstoreOutlined';
import ClusterOutlined from '@ant-design/icons-svg/es/asn/ClusterOutlined';
import ContainerOutlined from '@ant-design/icons-svg/es/asn/ContainerOutlined';
import DashboardOutlined from '@ant-design/icons-svg/es/asn/DashboardOutlined';
import DatabaseOutlined from '@ant-design/icons-svg/es/asn/DatabaseOutlined';
import DeploymentUnitOutlined from '@ant-design/icons-svg/es/asn/DeploymentUnitOutlined';
import FolderOutlined from '@ant-design/icons-svg/es/asn/FolderOutlined';
import HddOutlined from '@ant-design/icons-svg/es/asn/HddOutlined';
import LogoutOutlined from '@ant-design/icons-svg/es/asn/LogoutOutlined';
import MenuOutlined from '@ant-design/icons-svg/es/asn/MenuOutlined';
import SettingOutlined from '@ant-design/icons-svg/es/asn/SettingOutlined';
import type { IconDefinition } from '@ant-design/icons-svg/es/types';
import { logout, useClusters, useSession } from '../api/session.ts';
import { PlainIcon } from '../components/PlainIcon.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { t } from '../texts.ts';
import { antdScope, warmAntdScope } from './antd-scope.ts';

const AntdScope = lazy(antdScope);

/** Sections whose pages use no antd (see the module comment). */
const plainSections = new Set(['overview']);

interface NavItem {
  key: string;
  label: string;
  icon?: IconDefinition;
  children?: NavItem[];
}

const items: NavItem[] = [
  { key: 'overview', icon: DashboardOutlined, label: t.nav.overview },
  { key: 'namespaces', icon: FolderOutlined, label: t.nav.namespaces },
  {
    key: 'cluster',
    icon: HddOutlined,
    label: t.nav.cluster,
    children: [
      { key: 'nodes', label: t.nav.nodes },
      { key: 'events', label: t.nav.events },
    ],
  },
  {
    key: 'workloads',
    icon: AppstoreOutlined,
    label: t.nav.workloads,
    children: [
      { key: 'deployments', icon: DeploymentUnitOutlined, label: t.nav.deployments },
      { key: 'statefulsets', label: t.nav.statefulSets },
      { key: 'daemonsets', label: t.nav.daemonSets },
      { key: 'jobs', label: t.nav.jobs },
      { key: 'cronjobs', label: t.nav.cronJobs },
      { key: 'pods', label: t.nav.pods },
    ],
  },
  {
    key: 'network',
    icon: ApiOutlined,
    label: t.nav.network,
    children: [
      { key: 'services', label: t.nav.services },
      { key: 'ingresses', label: t.nav.ingresses },
    ],
  },
  {
    key: 'storage',
    icon: DatabaseOutlined,
    label: t.nav.storage,
    children: [
      { key: 'persistentvolumeclaims', label: t.nav.claims },
      { key: 'persistentvolumes', label: t.nav.volumes },
      { key: 'storageclasses', label: t.nav.classes },
    ],
  },
  {
    key: 'config',
    icon: SettingOutlined,
    label: t.nav.config,
    children: [
      { key: 'configmaps', label: t.nav.configMaps },
      { key: 'secrets', label: t.nav.secrets },
    ],
  },
  { key: 'registry', icon: ContainerOutlined, label: t.nav.registry },
];

/** A plain left click (no modifier): the router navigates; others keep the browser's behaviour. */
const plainClick = (e: MouseEvent) => e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey;

function Nav(props: { cluster: string; section: string; open: boolean; onPick: () => void }) {
  const [closed, setClosed] = useState<Set<string>>(() => new Set());
  const link = (it: NavItem) => (
    <li key={it.key} role="none">
      <Link
        role="menuitem"
        to={`/c/${props.cluster}/${it.key}`}
        aria-current={props.section === it.key ? 'page' : undefined}
        onClick={(e) => plainClick(e) && props.onPick()}
      >
        {it.icon ? <PlainIcon icon={it.icon} /> : null}
        {it.label}
      </Link>
    </li>
  );
  return (
    <nav aria-label={t.layout.navigation} className={`berth-nav${props.open ? ' berth-nav-open' : ''}`}>
      <ul role="menu">
        {items.map((it) =>
          it.children ? (
            <li key={it.key} role="none">
              <button
                type="button"
                role="menuitem"
                aria-expanded={!closed.has(it.key)}
                onClick={() =>
                  setClosed((c) => {
                    const next = new Set(c);
                    if (!next.delete(it.key)) next.add(it.key);
                    return next;
                  })
                }
              >
                {it.icon ? <PlainIcon icon={it.icon} /> : null}
                {it.label}
                <span className="berth-nav-arrow" aria-hidden>
                  ▼
                </span>
              </button>
              {closed.has(it.key) ? null : <ul role="menu">{it.children.map(link)}</ul>}
            </li>
          ) : (
            link(it)
          ),
        )}
      </ul>
    </nav>
  );
}

export function AppLayout() {
  const { cluster = 'local' } = useParams();
  const navigate = useNavigate();
  const location = useLocation();
  const clusters = useClusters();
  const session = useSession();
  const queryClient = useQueryClient();
  const section = location.pathname.split('/')[3] ?? 'overview';
  const [navOpen, setNavOpen] = useState(false);
  // Once a page needed antd its providers stay: the overview, opened again, renders inside them
  // (a later switch would remount the page and drop its state).
  const [antd, setAntd] = useState(!plainSections.has(section));
  if (!antd && !plainSections.has(section)) setAntd(true);
  // A plain first page: load antd a while after it is up, so the next page opens at once.
  useEffect(() => {
    if (antd) return;
    const timer = setTimeout(warmAntdScope, 3000);
    return () => clearTimeout(timer);
  }, [antd]);

  const doLogout = async () => {
    await logout().catch(() => undefined);
    queryClient.clear();
    navigate('/login', { replace: true });
  };
  const options = clusters.data ?? [{ name: cluster, displayName: cluster }];

  return (
    <div className="berth-shell">
      <header className="berth-header">
        <button
          type="button"
          className="berth-btn berth-nav-toggle"
          aria-label={t.layout.menu}
          aria-expanded={navOpen}
          onClick={() => setNavOpen((o) => !o)}
        >
          <PlainIcon icon={MenuOutlined} />
        </button>
        <span className="berth-product">{t.product}</span>
        <div className="berth-cluster">
          <PlainIcon icon={ClusterOutlined} />
          <select
            className="berth-select"
            aria-label={t.layout.cluster}
            data-testid="cluster-switcher"
            value={cluster}
            aria-busy={clusters.isPending}
            onChange={(e) => navigate(`/c/${e.target.value}/${section}`)}
          >
            {options.map((c) => (
              <option key={c.name} value={c.name}>
                {c.displayName}
              </option>
            ))}
          </select>
        </div>
        <div className="berth-header-spacer" />
        <span className="berth-user hide-narrow">
          {session.data ? t.layout.signedInAs(session.data.user) : ''}
        </span>
        <button type="button" className="berth-btn" onClick={() => void doLogout()}>
          <PlainIcon icon={LogoutOutlined} />
          {t.layout.logout}
        </button>
      </header>
      <div className="berth-body">
        <Nav cluster={cluster} section={section} open={navOpen} onPick={() => setNavOpen(false)} />
        <main className="berth-content">
          <Suspense fallback={<Spinner />}>
            {antd ? (
              <AntdScope>
                <Outlet />
              </AntdScope>
            ) : (
              <Outlet />
            )}
          </Suspense>
        </main>
      </div>
    </div>
  );
}
