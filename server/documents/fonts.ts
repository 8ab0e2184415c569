/**
 * The fonts of the PDF: for each face the standard names (方正小标宋简体, 仿宋_GB2312, 黑体,
 * 楷体_GB2312, 宋体), the installed fonts that may stand in for it, best first, found by path. Those
 * fonts are not free to ship, so the PDF uses what Debian packages: `fonts-cwtex-fs` (仿宋, though it
 * lacks most simplified characters), `fonts-noto-cjk` (Noto Serif/Sans CJK SC: 宋/小标宋/黑),
 * `fonts-arphic-ukai` (楷), `fonts-arphic-uming` (明/宋). A text is set in the first candidate that
 * has every one of its characters. `ECOSCORE_FONT_<FACE>` (`TITLE`, `BODY`, `HEADING1`, `HEADING2`,
 * `SONG`) puts a font of your own first: `path` or `path#PostScriptName` for a collection (.ttc).
 */
import { existsSync } from 'node:fs';
import type { FaceRole } from './layout.ts';

export interface FontFile {
  path: string;
  /** The PostScript name inside a .ttc collection. */
  family?: string;
}

const NOTO = '/usr/share/fonts/opentype/noto';
const SERIF: FontFile = { path: `${NOTO}/NotoSerifCJK-Regular.ttc`, family: 'NotoSerifCJKsc-Regular' };
const SERIF_BOLD: FontFile = { path: `${NOTO}/NotoSerifCJK-Bold.ttc`, family: 'NotoSerifCJKsc-Bold' };
const SANS: FontFile = { path: `${NOTO}/NotoSansCJK-Regular.ttc`, family: 'NotoSansCJKsc-Regular' };
const SANS_BOLD: FontFile = { path: `${NOTO}/NotoSansCJK-Bold.ttc`, family: 'NotoSansCJKsc-Bold' };
const UMING: FontFile = { path: '/usr/share/fonts/truetype/arphic/uming.ttc', family: 'UMingCN' };
const UKAI: FontFile = { path: '/usr/share/fonts/truetype/arphic/ukai.ttc', family: 'UKaiCN' };
const FANGSONG: FontFile = { path: '/usr/share/fonts/truetype/cwtex/cwfs.ttf' };
const WQY: FontFile = { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYiMicroHei' };

/** Candidates per face, best first. */
export const CANDIDATES: Record<Exclude<FaceRole, 'latin'>, FontFile[]> = {
  title: [SERIF_BOLD, SERIF, UMING, SANS_BOLD, WQY],
  body: [FANGSONG, SERIF, UMING, UKAI, SANS, WQY],
  heading1: [SANS, SANS_BOLD, WQY, SERIF, UMING],
  heading2: [UKAI, SERIF, UMING, SANS, WQY],
  song: [SERIF, UMING, SANS, WQY],
};

/** No font for a face is installed. */
export class FontsMissingError extends Error {
  override name = 'FontsMissingError';
}

export const INSTALL_HINT =
  'apt-get install fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming fonts-cwtex-fs';

function fromEnv(role: string, env: NodeJS.ProcessEnv): FontFile[] {
  const v = env[`ECOSCORE_FONT_${role.toUpperCase()}`];
  if (!v) return [];
  const [path, family] = v.split('#');
  return [{ path, family: family || undefined }];
}

/** The installed candidates of every face; FontsMissingError naming the face and what to install. */
export function installedFonts(
  env: NodeJS.ProcessEnv = process.env,
  exists: (path: string) => boolean = existsSync,
): Record<Exclude<FaceRole, 'latin'>, FontFile[]> {
  const out = {} as Record<Exclude<FaceRole, 'latin'>, FontFile[]>;
  for (const [role, list] of Object.entries(CANDIDATES) as [Exclude<FaceRole, 'latin'>, FontFile[]][]) {
    const found = [...fromEnv(role, env), ...list].filter((f) => exists(f.path));
    if (!found.length)
      throw new FontsMissingError(
        `没有可用于“${role}”的中文字体，无法生成 PDF。请安装：${INSTALL_HINT} / ` +
          `No Chinese font installed for "${role}"; install: ${INSTALL_HINT}`,
      );
    out[role] = found;
  }
  return out;
}
