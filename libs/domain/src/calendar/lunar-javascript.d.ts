/** Minimal typings for the parts of `lunar-javascript` used by the fallback calendar. */
declare module 'lunar-javascript' {
  export interface LunarSolar {
    getYear(): number;
    getMonth(): number;
    getDay(): number;
    /** `YYYY-MM-DD`. */
    toYmd(): string;
  }
  export interface LunarDate {
    getSolar(): LunarSolar;
  }
  export const Lunar: {
    /** Lunar year / month (negative = leap month) / day. */
    fromYmd(lunarYear: number, lunarMonth: number, lunarDay: number): LunarDate;
  };
}
