export * from './local-date';
export * from './local-time';
export { zoneOffsetMinutes, assertTimeZone } from './zone-offset';
export { localDateOf, localDateTimeOf, instantAt, type LocalDateTime } from './zoned';
