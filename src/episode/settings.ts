import { UserError } from '../util/errors.js';

export type ExecCoverage = 'none' | 'partial' | 'full';
export type UserKind = 'none' | 'novice' | 'expert';

export interface Setting {
  name: SettingName;
  exec: ExecCoverage;
  user: UserKind;
}

export const SETTING_NAMES = [
  'CF', 'CF_EF_UNIT', 'CF_EF_FULL', 'CF_SNF', 'CF_EF_UNIT_SNF', 'CF_EF_FULL_SNF', 'CF_SEF', 'CF_EF_UNIT_SEF', 'CF_EF_FULL_SEF',
] as const;
export type SettingName = (typeof SETTING_NAMES)[number];

const EXEC_PART: Record<ExecCoverage, string> = { none: '', partial: '_EF_UNIT', full: '_EF_FULL' };
const USER_PART: Record<UserKind, string> = { none: '', novice: '_SNF', expert: '_SEF' };

export function settingFrom(exec: ExecCoverage, user: UserKind): Setting {
  return { name: `CF${EXEC_PART[exec]}${USER_PART[user]}` as SettingName, exec, user };
}

export function parseSetting(name: string): Setting {
  const upper = name.toUpperCase();
  for (const exec of ['none', 'partial', 'full'] as const) {
    for (const user of ['none', 'novice', 'expert'] as const) {
      const s = settingFrom(exec, user);
      if (s.name === upper) return s;
    }
  }
  throw new UserError('BAD_SETTING', `unknown setting "${name}" (one of ${SETTING_NAMES.join(', ')})`);
}
