import type { YearCalendar } from '../year-calendar';
import { OFFICIAL_2024 } from './official-2024';
import { OFFICIAL_2025 } from './official-2025';
import { OFFICIAL_2026 } from './official-2026';

/** The official year calendars shipped with the code. Add a file per year. */
export const OFFICIAL_CALENDARS: readonly YearCalendar[] = [OFFICIAL_2024, OFFICIAL_2025, OFFICIAL_2026];
