import { useEffect, useState } from 'preact/hooks';
import { problemText, setUnauthorizedHandler } from './api';
import { ProblemBox } from './components';
import { fmtDateTime } from './format';
import { label, ROLE_LABEL } from './labels';
import { loadReference, Reference, unitName } from './reference';
import { navigate, useRoute } from './router';
import { clearSession, currentUser, hasRole, Role, User } from './session';
import { Alerts } from './pages/Alerts';
import { Audit } from './pages/Audit';
import { CampaignsPage } from './pages/Campaigns';
import { Counter } from './pages/Counter';
import { DossierPage } from './pages/Dossier';
import { FindBox, SearchResults } from './pages/Find';
import { ReportPage } from './pages/Report';
import { SignIn } from './pages/SignIn';
import { WorkList } from './pages/WorkList';

/** The pages and who sees them (the API enforces the same roles; hiding only spares the clerk dead ends). */
const NAV: { path: string; label: string; roles: Role[] }[] = [
  { path: 'tiep-nhan', label: 'Tiếp nhận', roles: ['clerk', 'supervisor'] },
  { path: 'danh-sach', label: 'Danh sách hồ sơ', roles: ['clerk', 'officer', 'supervisor', 'admin'] },
  { path: 'canh-bao', label: 'Cảnh báo', roles: ['officer', 'supervisor', 'admin'] },
  { path: 'bao-cao', label: 'Báo cáo Biểu 06', roles: ['supervisor', 'admin', 'auditor'] },
  { path: 'kiem-tra', label: 'Kiểm tra', roles: ['auditor', 'admin'] },
  { path: 'dot-cao-diem', label: 'Đợt cao điểm', roles: ['admin'] },
];

const EXPIRED = 'Phiên làm việc đã hết hạn. Dán mã đăng nhập mới để tiếp tục — nội dung đang nhập dở vẫn được giữ.';

export function App() {
  const [user, setUser] = useState<User | null>(() => currentUser());
  const [reason, setReason] = useState<string>();
  const [ref_, setRef] = useState<Reference>();
  const [refError, setRefError] = useState<string>();
  const route = useRoute();
  const expire = () => {
    clearSession();
    setUser(null);
    setRef(undefined);
    setReason(EXPIRED);
  };
  useEffect(() => setUnauthorizedHandler(expire), []);
  useEffect(() => {
    if (!user?.exp) return;
    const t = setTimeout(expire, Math.min(Math.max(user.exp - Date.now(), 0), 2 ** 31 - 1));
    return () => clearTimeout(t);
  }, [user]);
  useEffect(() => {
    if (!user) return;
    setRefError(undefined);
    loadReference()
      .then(setRef)
      .catch((e) => setRefError(problemText(e)));
  }, [user]);

  if (!user)
    return (
      <SignIn
        reason={reason}
        onSignedIn={(u) => {
          setReason(undefined);
          setUser(u);
        }}
      />
    );

  const allowed = NAV.filter((n) => hasRole(user, ...n.roles));
  const page = route.parts[0] ?? '';
  if (!page && allowed[0]) setTimeout(() => navigate(`/${allowed[0].path}`));
  const item = NAV.find((n) => n.path === page);

  let content;
  if (refError) content = <ProblemBox error={`Không tải được danh mục: ${refError}`} />;
  else if (!ref_) content = <p class="loading">Đang tải…</p>;
  else if (item && !hasRole(user, ...item.roles)) content = <ProblemBox error="Vai trò của bạn không được dùng trang này." />;
  else if (page === 'tiep-nhan') content = <Counter user={user} ref_={ref_} />;
  else if (page === 'ho-so' && route.parts[1]) content = <DossierPage id={route.parts[1]} user={user} ref_={ref_} />;
  else if (page === 'danh-sach') content = <WorkList route={route} user={user} ref_={ref_} />;
  else if (page === 'tim') content = <SearchResults route={route} ref_={ref_} />;
  else if (page === 'canh-bao') content = <Alerts route={route} user={user} ref_={ref_} onExpired={expire} />;
  else if (page === 'bao-cao') content = <ReportPage route={route} user={user} ref_={ref_} />;
  else if (page === 'kiem-tra') content = <Audit route={route} ref_={ref_} />;
  else if (page === 'dot-cao-diem') content = <CampaignsPage user={user} ref_={ref_} />;
  else if (allowed.length === 0) content = <ProblemBox error="Mã đăng nhập không mang vai trò nào dùng được bảng điều khiển." />;
  else content = null;

  return (
    <>
      <header class="top">
        <a class="brand" href="#/">
          Một cửa
        </a>
        <nav id="nav">
          {allowed.map((n) => (
            <a key={n.path} href={`#/${n.path}`} class={page === n.path ? 'active' : ''}>
              {n.label}
            </a>
          ))}
        </nav>
        <FindBox compact />
        <div class="user" id="user">
          <strong>{user.name}</strong>
          <small>
            {user.roles.map((r) => label(ROLE_LABEL, r)).join(', ')} · {user.units.map((u) => unitName(ref_, u)).join(', ')}
            {user.exp ? ` · hết hạn ${fmtDateTime(new Date(user.exp).toISOString())}` : ''}
          </small>
        </div>
        <button
          type="button"
          class="small"
          onClick={() => {
            clearSession();
            setUser(null);
            setReason(undefined);
          }}
        >
          Đăng xuất
        </button>
      </header>
      <main>{content}</main>
    </>
  );
}
